"""The README's picture of an HTML slide deck: Conv3x3's deck in headless Chromium (needs `make test`'s set-up).

    .venv/bin/python media/deck_screenshot.py [--slide N]

Renders the deck with `convanim slides` at 720p into a temporary folder,
opens its index.html offline, goes to slide N (1-based), lets its video play
to the end and saves the page as media/slide_deck.png.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from convanim.manim.lecture.browser import headless_chromium, open_deck

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "media" / "slide_deck.png"
PLAYED = """
const video = document.querySelector('.backgrounds .slide-background.present video');
return !!video && video.readyState >= 2 && (video.ended || video.currentTime >= video.duration - 0.05);
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slide", type=int, default=5, help="the slide to show (1-based)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        command = [str(Path(sys.executable).parent / "convanim"), "slides", "scenes/conv3x3.py", "Conv3x3",
                   "--out", folder, "--quality", "720p"]
        subprocess.run(command, cwd=ROOT, check=True)
        browser = headless_chromium(1280, 720)
        try:
            open_deck(browser, Path(folder) / "index.html")
            browser.execute_script("Reveal.slide(arguments[0])", args.slide - 1)
            deadline = time.monotonic() + 60
            while not browser.execute_script(PLAYED) and time.monotonic() < deadline:
                time.sleep(0.2)
            browser.save_screenshot(str(OUT))
        finally:
            browser.quit()
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
