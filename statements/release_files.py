"""The open-data releases' files, served as static files at /data/files/<release>/<file> (docs/releases.md).

WhiteNoise sends them as it sends /static/: from the file on disk (sendfile under gunicorn), with ranges, ETag and
Last-Modified, never read into a Django response by a view. A release never changes once written, so they are cached
as immutable, as long as WhiteNoise caches hashed static files (ten years). New releases appear while the site runs:
each request looks the file up on disk (one stat), rather than in a list made at start-up. Only folders named as
releases are served, never a release being written. In production the proxy may serve the same folder itself
(docs/operations.md).
"""

import os

from django.conf import settings
from whitenoise.base import WhiteNoise
from whitenoise.middleware import WhiteNoiseMiddleware

from .releases import NAME_PATTERN

RELEASE_FILES_URL = "/data/files/"
MEDIA_TYPES = {
    ".csv": "text/csv",
    ".jsonl": "application/jsonl",
    ".md": "text/markdown",
    ".cff": "text/plain",
    ".txt": "text/plain",
    ".json": "application/json",
}


class ReleaseFilesMiddleware(WhiteNoise):
    def __init__(self, get_response):
        super().__init__(
            None,
            autorefresh=True,
            mimetypes=MEDIA_TYPES,
            immutable_file_test=lambda path, url: True,
        )
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(RELEASE_FILES_URL):
            release = path[len(RELEASE_FILES_URL) :].partition("/")[0]
            if NAME_PATTERN.fullmatch(release):
                static_file = self.find_file(path)
                if static_file is not None:
                    return WhiteNoiseMiddleware.serve(static_file, request)
        return self.get_response(request)

    def candidate_paths_for_url(self, url):
        # RELEASES_ROOT is read at each request, so a test (or a reconfigured process) serves its own folder.
        root = os.path.abspath(settings.RELEASES_ROOT) + os.path.sep
        path = os.path.join(root, url[len(RELEASE_FILES_URL) :])
        if self.path_is_child_of(path, root):
            yield path
