"""Debian's headless Chromium, driven by selenium: how the tests and the README's picture see an HTML deck.

Needs the ``chromium`` and ``chromium-driver`` Debian packages and selenium
(``make test`` installs all three); nothing else in convanim imports this.
"""
from __future__ import annotations

import shutil


def headless_chromium(width: int = 1280, height: int = 800, offline: bool = True):
    """A selenium WebDriver for a headless Chromium window of ``width`` × ``height`` CSS pixels.

    ``offline``: every host name fails to resolve, so a page that still
    needs the network shows it.  Videos play without a click and muted.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        raise RuntimeError("Chromium is missing: apt-get install chromium chromium-driver (make test installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--mute-audio",
                 f"--window-size={width},{height}", "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(flag)
    if offline:
        options.add_argument("--host-resolver-rules=MAP * ~NOTFOUND")
    browser = webdriver.Chrome(service=Service(driver), options=options)
    # --window-size includes the window's frame in some builds; make the page itself width × height
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    return browser


def open_deck(browser, path, timeout: float = 30.0) -> None:
    """Load the HTML deck at ``path`` and wait until reveal.js is ready."""
    from pathlib import Path

    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(Path(path).resolve().as_uri())
    WebDriverWait(browser, timeout).until(lambda b: b.execute_script("return !!(window.Reveal && Reveal.isReady())"))


__all__ = ["headless_chromium", "open_deck"]
