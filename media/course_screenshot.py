"""The docs' picture of a course's index page: a course of three gallery scenes in English and Thai at 480p, built
with `convanim build` in a temporary folder, its index.html in headless Chromium (needs `make test`'s set-up).

    .venv/bin/python media/course_screenshot.py

Saves media/course_index.png.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from convanim.manim.lecture.browser import headless_chromium

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "media" / "course_index.png"
COURSE = """output = "course"
languages = ["en", "th"]
qualities = ["480p"]

[[scenes]]
file = "conv3x3"
scene = "Conv3x3"

[[scenes]]
file = "pooling"
scene = "MaxPool2x2"

[[scenes]]
file = "im2col"
scene = "Im2ColLoopOrders"
"""


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder, "lecture3.toml")
        course.write_text(COURSE)
        subprocess.run([str(Path(sys.executable).parent / "convanim"), "build", str(course)], cwd=folder, check=True)
        browser = headless_chromium(1100, 760)
        try:
            browser.get(Path(folder, "course", "index.html").as_uri())
            browser.save_screenshot(str(OUT))
        finally:
            browser.quit()
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
