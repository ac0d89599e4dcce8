"""Test settings: what `pytest` changes from shaar.settings, and nothing else.

DEBUG on by default; a fast password hasher; Celery tasks run at once; e-mail and SMS kept in
memory; static files served without a manifest; no HTTPS redirect; no public page cache;
the small demo scale; media, the feedback downloads, the sample base map and the SQLite test
database under var/.
"""

import os

os.environ.setdefault("DEBUG", "true")

from shaar.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SMS_BACKEND = "shaar.accounts.sms.locmem.LocmemSmsBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_SSL_REDIRECT = False
PUBLIC_PAGE_CACHE_SECONDS = 0  # tests read their own writes; pagecache's tests switch it on
DEMO_SCALE = "small"  # seed_demo in tests: the same paths, fewer rows
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# The whole city's downloads, built from each test's own data: one folder per xdist worker,
# emptied before each test (conftest).
FEEDBACK_EXPORTS_DIR = VAR_DIR / f"test-exports-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # noqa: F405
# The demo's sample base map, built by the root conftest.
MAP_TILES_PATH = VAR_DIR / "test-tiles" / "city.pmtiles"  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not :memory:, so tests run in WAL mode with IMMEDIATE transactions and
    # threads get real separate connections, as under `make run`.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
