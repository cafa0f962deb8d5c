"""The WSGI entry point (gunicorn, `make serve`, docs/operations.md), as ``application``.

Two settings of Python's garbage collector, both for the timeline at a million statements
(docs/performance.md#garbage-collector, with the figures):

- After loading, the objects made so far (Django, the app, its URLconf and settings) are moved out of the
  collector's sight with gc.freeze(): they live as long as the process, and the collector re-scanned all of them
  several times a request.
- The youngest generation is collected after 50,000 net new container objects instead of Python's default 700
  (the setting GC_YOUNGEST_THRESHOLD, from the environment). A timeline request builds lists and counters of its
  10,001 matches; with the default the collector ran about three times a request and walked those lists each
  time, and every few requests re-scanned what the first requests cached (compiled templates, URL patterns).
  Garbage caught in reference cycles (objects of a request that refer to each other) waits longer, so a worker
  holds more memory: an operator trades one against the other with the setting (docs/operations.md). Cycles are
  still collected, and gunicorn recycles its workers every ~2,000 requests.
"""

import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()
gc.collect()  # no garbage left from loading is kept for the life of the process
gc.freeze()
gc.set_threshold(settings.GC_YOUNGEST_THRESHOLD, *gc.get_threshold()[1:])
