"""What the benchmark's child processes share: Django set up as in production, and the process's memory."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django():
    """Django set up as the production server has it: through the WSGI entry point (tracker/wsgi.py)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import tracker.wsgi  # noqa: F401  (sets Django up, then freezes what it loaded out of the collector's way)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
