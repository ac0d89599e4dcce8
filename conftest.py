"""Project-wide pytest set-up: browser tests in Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from such a thread unless told it is safe (it is: the test owns that loop).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


def pytest_configure(config) -> None:
    """Folders a fresh clone does not have yet (settings create none): var/ for the SQLite
    test databases, and STATIC_ROOT, which collectstatic makes in production and WhiteNoise
    warns about in tests that turn DEBUG off."""
    from django.conf import settings

    Path(settings.VAR_DIR).mkdir(exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.hookimpl(tryfirst=True)  # before xdist's, which reads the groups
def pytest_collection_modifyitems(config, items) -> None:
    browser_items = [item for item in items if "browser" in item.keywords]
    # One browser at a time (`make test` runs --dist loadgroup): the browser tests run one
    # after another on one worker while the other worker takes the rest of the suite.
    for item in browser_items:
        item.add_marker(pytest.mark.xdist_group("browser"))
    if chromium_available():
        return
    reason = f"Chromium not found at {CHROMIUM}: browser tests need Debian's chromium package"
    skip = pytest.mark.skip(reason=reason)
    for item in browser_items:
        item.add_marker(skip)
    if browser_items:
        print(f"\nSKIPPING {len(browser_items)} browser tests: {reason}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"],
    }


@pytest.fixture(scope="session", autouse=True)
def _demo_base_map():
    """Every map in a test draws the demo's sample tiles (built in about a second, once)."""
    from django.conf import settings

    from shaar.city import demo

    demo.build_tiles(settings.MAP_TILES_PATH)


@pytest.fixture(autouse=True)
def _clear_caches():
    """Rate limits, cached city settings, memos of reference tables and files built from
    a test's data (the feedback downloads) must not leak from one test to the next."""
    from django.conf import settings
    from django.core.cache import cache

    from shaar.lib.memo import clear_all

    shutil.rmtree(settings.FEEDBACK_EXPORTS_DIR, ignore_errors=True)
    cache.clear()
    clear_all()
    yield
    cache.clear()
    clear_all()
