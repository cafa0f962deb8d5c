"""The WSGI entry point (gunicorn, `make serve`, docs/operations.md), as ``application``.

After loading, the objects made so far (Django, the app, its URLconf and settings) are moved out of the garbage
collector's sight with gc.freeze(): they live as long as the process, and a timeline request allocates tens of
thousands of short-lived objects (the 10,001 matches it counts), which made the collector re-scan all of them
several times a request (6–9 ms of a 50 ms page at a million statements; docs/performance.md).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()
gc.collect()  # no garbage left from loading is kept for the life of the process
gc.freeze()
