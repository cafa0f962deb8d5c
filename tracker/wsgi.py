"""The WSGI entry point (gunicorn, `make serve`, docs/operations.md), as ``application``.

Two settings of Python's garbage collector, both for the timeline at a million statements (docs/performance.md):

- After loading, the objects made so far (Django, the app, its URLconf and settings) are moved out of the
  collector's sight with gc.freeze(): they live as long as the process, and the collector re-scanned all of them
  several times a request (6–9 ms of a 50 ms page).
- The youngest generation is collected after 10,000 net new container objects instead of Python's default 700.
  A timeline request builds lists and counters of its 10,001 matches; with the default the collector ran about
  three times a request and walked those lists each time, and every few requests re-scanned what the first
  requests cached (compiled templates, URL patterns): 3–5 ms of a 35 ms page, of which this threshold saves most.
  Garbage in reference cycles waits longer, so memory grows: under `make loadtest` (SQLite, 30 s) the largest
  worker peaked at about 140 MB, against 130 MB with the default and 197 MB with a threshold of 50,000, which was
  hardly faster (docs/performance.md, section 12). Reference cycles are still collected; gunicorn recycles its
  workers.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()
gc.collect()  # no garbage left from loading is kept for the life of the process
gc.freeze()
YOUNGEST_GENERATION_THRESHOLD = 10_000
gc.set_threshold(YOUNGEST_GENERATION_THRESHOLD, *gc.get_threshold()[1:])
