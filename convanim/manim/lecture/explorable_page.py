"""An explorable page written from its data (:mod:`convanim.manim.lecture.explorable_data`): one HTML file.

Self-contained: the styles, the script and the data (JSON) are inside the
file and the text uses the fonts installed on the reader's machine, so the
page shows with no network (the tests load it in Chromium with name
resolution off).  The page's script only builds the grids and lights the
cells and statements the data lists.  The contract for tests and for
lecturers who style or embed it: every output cell has ``data-cell="y[f,i,j]"``
and shows its value, every input cell ``data-cell="x[c,i,j]"`` (padding cells
have none), every weight ``data-cell="w[f,c,i,j]"``; pointing at an output
cell writes its statements, one per line and the last ending on its value,
into the element with id ``statement``; the buttons ``previous`` and
``next`` (and the arrow keys) step through the video's order.
"""
from __future__ import annotations

import html
import json
import os
import tempfile
from pathlib import Path

TEMPLATE = Path(__file__).with_name("explorable_page.html")


def page_html(data: dict) -> str:
    """The page of ``data`` (a dict of JSON values) as HTML text."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    text = TEMPLATE.read_text(encoding="utf-8")
    return (text.replace("__LANG__", html.escape(str(data.get("language", "en"))))
            .replace("__TITLE__", html.escape(str(data.get("title", ""))))
            .replace("__DATA__", payload))


def write_page(data: dict, folder: str | Path) -> Path:
    """Write ``folder/index.html`` (the folder made if missing); only a whole page reaches it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "index.html"
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".html", delete=False) as temp:
        temp.write(page_html(data))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temp.name, 0o666 & ~umask)  # readable as any file the user writes (a temporary file is private)
    os.replace(temp.name, out)
    return out


__all__ = ["page_html", "write_page"]
