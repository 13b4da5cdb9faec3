"""Browser-test support: the app served on a real port, and Debian's Chromium driven by Playwright.

tests/conftest.py loads this module as a plugin, so every test module shares one live server
per database backend and one Chromium; browser tests carry ``@pytest.mark.browser``. ``page``
is a fresh browser context per test whose base URL is the live server, so ``page.goto("/login")`` works. Without a Chromium the tests are skipped
(the server is not even started); Playwright's own browser downloads are never used.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"  # git-ignored
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


def _executable(path: str | None) -> str | None:
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def find_chromium() -> str | None:
    """CHROMIUM_PATH if it names an executable, else ``chromium`` on PATH, else Debian's path."""
    return (_executable(os.environ.get("CHROMIUM_PATH"))
            or _executable(shutil.which("chromium"))
            or _executable(DEFAULT_CHROMIUM))


def require_chromium() -> str:
    """The Chromium to drive, or skip the test with a message saying how to get one."""
    path = find_chromium()
    if path is None:
        message = "no Chromium found: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH"
        if os.environ.get("CHROMIUM_PATH"):
            message += f" (CHROMIUM_PATH={os.environ['CHROMIUM_PATH']!r} is not an executable file)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message + " (REQUIRE_BROWSER is set, as on CI)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the session's app (one server per database backend); yields the base URL."""
    require_chromium()  # no browser, no point in serving
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the OS picks a free one
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh context (no cookies, no storage) addressing the live server."""
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
