"""The PDF handout of a slide deck: each slide's last frame, its speaker notes printed under it.

manim-slides writes the deck (``OUT/slides/<Scene>.json``: each slide's
video file and notes); this module takes each slide's last frame (manim-slides'
own frame reader), prints the slide's notes (its step's narration) in a band
under the frame, in the font of the scene's language (the script font of
:mod:`convanim.languages`, found with fontconfig's ``fc-match``), and saves
the pages as one PDF with Pillow.  The render writes the scene's language
beside the deck (``<Scene>.notes.json``) so the handout knows which script
it prints.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from convanim.languages import language_of

#: The notes' text height as a share of the frame's height, and the band's margins in text heights.
TEXT_SHARE = 1 / 24
MARGIN = 0.6


def notes_file(deck_folder: str | Path, scene: str) -> Path:
    return Path(deck_folder, f"{scene}.notes.json")


def write_notes_file(deck_folder: str | Path, scene: str, language: str, notes: list[str]) -> Path:
    """What the handout needs beside the deck: the scene's language and each step's notes."""
    path = notes_file(deck_folder, scene)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"language": language, "notes": notes}, ensure_ascii=False), encoding="utf-8")
    return path


def font_for(language: str, size: int) -> ImageFont.FreeTypeFont:
    """The language's script font (its last font family) at ``size`` pixels."""
    family = language_of(language).fonts[-1]
    found = subprocess.run(["fc-match", "-f", "%{file}|%{index}", family], capture_output=True, text=True)
    file, _, index = found.stdout.partition("|")
    return ImageFont.truetype(file, size, index=int(index or 0))


def wrapped(text: str, font: ImageFont.FreeTypeFont, width: float, spaced: bool) -> list[str]:
    """``text`` broken into lines no wider than ``width``: at spaces for spaced languages, else anywhere."""
    units = text.split(" ") if spaced else list(text)
    joiner = " " if spaced else ""
    lines, line = [], ""
    for unit in units:
        candidate = f"{line}{joiner}{unit}" if line else unit
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = unit
        else:
            line = candidate
    return lines + ([line] if line else [])


def page(frame: Image.Image, notes: str, language: str) -> Image.Image:
    """``frame`` with ``notes`` printed in a band under it (a band of one blank line when there are none)."""
    width, height = frame.size
    size = max(12, round(height * TEXT_SHARE))
    font = font_for(language, size)
    lines = wrapped(notes, font, width * (1 - 2 * MARGIN * size / width), language_of(language).spaced) \
        if notes else []
    line_height = round(size * 1.5)
    band = round(2 * MARGIN * size) + line_height * max(1, len(lines))
    sheet = Image.new("RGB", (width, height + band), "white")
    sheet.paste(frame.convert("RGB"), (0, 0))
    draw = ImageDraw.Draw(sheet)
    top = height + round(MARGIN * size)
    for n, line in enumerate(lines):
        draw.text((round(MARGIN * size), top + n * line_height), line, font=font, fill="black")
    return sheet


def write_handout(deck_folder: str | Path, scene: str, out: str | Path) -> Path:
    """The handout of the deck in ``deck_folder`` (see the module) into ``out``."""
    from manim_slides.convert import read_image_from_video_file
    from manim_slides.config import PresentationConfig

    deck_folder = Path(deck_folder)
    config = PresentationConfig.from_file(deck_folder / f"{scene}.json")
    extra = notes_file(deck_folder, scene)
    language = json.loads(extra.read_text(encoding="utf-8"))["language"] if extra.is_file() else "en"
    pages = [page(read_image_from_video_file(slide.file, "last"), slide.notes, language) for slide in config.slides]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(out, "PDF", resolution=100.0, save_all=True, append_images=pages[1:])
    return out


__all__ = ["write_handout", "write_notes_file", "notes_file", "page", "wrapped", "font_for"]
