"""System checks (`manage.py check`; `migrate` and `runserver` show them too)."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.files.storage import storages


def static_files_missing() -> bool:
    """With the manifest storage (production's), every {% static %} looks its file up in the
    manifest `collectstatic` writes: without it every page is a 500. The storage reads the
    manifest once per process, so this answers for the process asking."""
    if settings.DEBUG:
        return False  # pages then name the files as they are, without the manifest
    storage = storages["staticfiles"]
    return isinstance(storage, ManifestFilesMixin) and not storage.hashed_files


# A warning, not an error: an error would stop `migrate` too, which has nothing to do with
# static files. Not tagged `staticfiles`, whose checks collectstatic itself runs.
@checks.register()
def static_files_collected(app_configs, **kwargs):
    if not static_files_missing():
        return []
    manifest = storages["staticfiles"].path(storages["staticfiles"].manifest_name)
    return [
        checks.Warning(
            f"Static files are not collected: {manifest} is missing, so every page would "
            "answer 500.",
            hint="Run `manage.py collectstatic --noinput` (`make setup` does, and the Docker "
            "image does at build).",
            id="ktpportal.W001",
        )
    ]
