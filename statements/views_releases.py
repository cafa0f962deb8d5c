"""/data/: the open-data releases, listed from their manifests on disk; the files themselves are static
(statements/release_files.py). No database query."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from .release_files import RELEASE_FILES_URL
from .releases import FILES, Release, citation_text, list_releases, releases_root


def _context(release: Release) -> dict:
    # Cited at the address the release was made for, as its README and CITATION.cff cite it.
    site = release.manifest.get("site", "")
    return {
        "release": release,
        "files_url": f"{RELEASE_FILES_URL}{release.name}/",
        "citation": citation_text(number=release.number, date=release.date, site_url=site),
    }


def _not_found(request, message: str):
    return render(request, "statements/data_not_found.html", {"message": message}, status=404)


@require_safe
def data_index(request):
    """Every release, newest first, with its files' sizes and checksums and its manifest's own SHA-256."""
    releases = [_context(release) for release in list_releases(releases_root())]
    return render(request, "statements/data_index.html", {"releases": releases, "files": FILES})


@require_safe
def release_detail(request, name: str):
    found = {str(release.number): release for release in list_releases(releases_root())}
    release = found.get(name.lstrip("0") or name)
    if release is None:
        return _not_found(request, f"There is no release “{name}”.")
    return render(request, "statements/data_release.html", _context(release))


def _newest() -> Release | None:
    releases = list_releases(releases_root())
    return releases[0] if releases else None


@require_safe
def latest(request):
    """The newest release's page; a temporary redirect, since it moves with each release."""
    release = _newest()
    if release is None:
        return _not_found(request, "No release has been published yet.")
    return redirect("statements:data_release", name=release.number)


@require_safe
def latest_file(request, filename: str):
    """A file of the newest release (/data/latest/statements.csv), for scripts that always want the newest."""
    release = _newest()
    if release is None:
        return _not_found(request, "No release has been published yet.")
    if filename not in {file.name for file in release.files} | {"manifest.json"}:
        return _not_found(request, f"A release has no file “{filename}”.")
    return HttpResponseRedirect(f"{RELEASE_FILES_URL}{release.name}/{filename}")
