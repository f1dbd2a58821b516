"""The README's and docs' pictures of the explorable page: Conv3x3's page (`convanim explore conv3x3 Conv3x3`) with
the pointer on an output cell, and MaxPoolPadded's page in Thai, in headless Chromium (needs `make test`'s set-up).

    .venv/bin/python media/explorable_screenshot.py

Saves media/explorable.png and media/explorable_th.png.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from convanim.manim.lecture.browser import headless_chromium

ROOT = Path(__file__).resolve().parents[1]
PAGES = [("conv3x3", "Conv3x3", [], "y[1,1,1]", ROOT / "media" / "explorable.png", (1280, 800)),
         ("pooling", "MaxPoolPadded", ["--set", "language=th"], "y[0,2,1]", ROOT / "media" / "explorable_th.png",
          (1000, 560))]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        for file, scene, options, cell, out, (width, height) in PAGES:
            page = Path(folder, scene)
            subprocess.run([str(Path(sys.executable).parent / "convanim"), "explore", file, scene, "--out", str(page),
                            *options], check=True)
            browser = headless_chromium(width, height)
            try:
                browser.get((page / "index.html").as_uri())
                target = browser.find_element(By.CSS_SELECTOR, f'[data-cell="{cell}"]')
                ActionChains(browser).move_to_element(target).perform()
                browser.save_screenshot(str(out))
            finally:
                browser.quit()
            print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
