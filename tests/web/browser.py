"""Start `capsim serve` on a free loopback port and drive it with headless Chromium (Selenium).

Used by the browser tests and by benchmarks/web_latency.py. Both context managers end what they
start, whatever happens inside.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not os.access(exe, os.X_OK):
            return f"{exe} is missing (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is missing (pip install -e '.[test,web]')"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(workspace: Path, timeout_s: float = 60.0, workers: int | None = None):
    """`capsim serve WORKSPACE` in a child process; yields its URL; stopped at the end."""
    port = free_port()
    more = ["--workers", str(workers)] if workers else []
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "serve", str(workspace),
                             "--port", str(port), *more], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                urllib.request.urlopen(url + "api/files", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"capsim serve did not start: {proc.stdout.read()}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()  # uvicorn shuts down and ends its worker processes
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the server and its workers: its own group
            proc.wait()


@contextmanager
def chromium(downloads: Path | None = None, size=(1600, 1000)):
    """Headless Chromium with Debian's chromedriver; quits at the end."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={size[0]},{size[1]}"):
        opts.add_argument(arg)
    if downloads is not None:
        opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                               "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


def copy_scenarios(root: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for f in (root / "scenarios").glob("*.yaml"):
        shutil.copy(f, target / f.name)
    return target


def wait_updated(driver, after: int, timeout_s: float = 30.0) -> int:
    """Wait until the page has shown an answer newer than update number `after`; return it."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout_s).until(
        lambda d: int(d.execute_script("return +(document.body.dataset.updated || 0)")) > after)
    return int(driver.execute_script("return +document.body.dataset.updated"))


def click_slider(driver, path: str, value: int) -> int:
    """Click the range input of `path` where `value` lies: the thumb jumps there and the release
    of the mouse fires `change`, as when a planner clicks the track. Returns the value it took
    (a pixel may round to the month beside)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    el = driver.find_element(By.CSS_SELECTOR, f'input[data-path="{path}"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    lo, hi = float(el.get_attribute("min")), float(el.get_attribute("max"))
    width, thumb = el.size["width"], 16  # px: Chromium's thumb; the track runs between its halves
    x = thumb / 2 + (value - lo) / (hi - lo) * (width - thumb) - width / 2
    ActionChains(driver).move_to_element_with_offset(el, int(round(x)), 0).click_and_hold() \
        .pause(0.05).release().perform()
    return int(el.get_attribute("value"))
