"""Glyph outlines as the captions draw them match FreeType's rendering of the same font (issue 32: ん drew a tall
spike and べ a stroke across it, from manimgl's cubic-to-quadratic conversion).

Every distinct character of every catalogue, in every language's fonts: the outline's bounding box (its
quadratic curves evaluated, not their control points) against the ink box Pillow's FreeType draws from the same
font file and face, within 2 % of the em.  HarfBuzz (Pango's and Pillow's raqm layout) puts a dotted circle
under a lone Thai mark in both."""
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont, features

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib.mobject.svg.text_mobject import TEXT_MOB_SCALE_FACTOR

from convanim.languages import LANGUAGES
from convanim.manim.mobjects import glyph_outlines
from convanim.manim.mobjects.cells import text_line, use_language

ROOT = Path(__file__).resolve().parents[2]
FONT_SIZE = 48
#: The em in frame units: Pango's SVG is in pixels (96 per inch) of a font size in points, scaled by manimgl.
EM = FONT_SIZE * 96 / 72 * TEXT_MOB_SCALE_FACTOR
PIXELS = 400  # Pillow's em: one pixel of antialiasing is 0.25 % of it
TOLERANCE = 0.02


def catalogue_characters(code: str) -> list[str]:
    """The distinct characters a viewer can read in ``code``'s captions: its catalogue's translations (and, for
    English, the messages themselves), spaces and the {field} braces left out."""
    language = LANGUAGES[code]
    chars = set()
    folder = ROOT / "convanim" / "languages"
    path = folder / (language.locale if code != "en" else "de") / "LC_MESSAGES" / "convanim.po"
    with path.open("rb") as f:
        catalogue = read_po(f)
    for message in catalogue:
        if not message.id:
            continue
        texts = message.id if code == "en" else message.string
        for text in texts if isinstance(texts, (tuple, list)) else [texts]:
            chars |= set(text or "")
    return sorted(c for c in chars if not c.isspace() and c not in "{}")


@lru_cache(maxsize=None)
def face_file(family: str) -> tuple[str, int]:
    out = subprocess.run(["fc-match", "-f", "%{file}:%{index}", family], capture_output=True, text=True,
                         check=True).stdout
    path, index = out.rsplit(":", 1)
    return path, int(index)


@lru_cache(maxsize=None)
def cmap_of(path: str, index: int) -> set[int]:
    return set(TTFont(path, fontNumber=index, lazy=True).getBestCmap())


def face_for(code: str, char: str) -> tuple[str, int]:
    """The first of the language's fonts that has ``char`` (Pango's order)."""
    for family in LANGUAGES[code].fonts:
        path, index = face_file(family)
        if ord(char) in cmap_of(path, index):
            return path, index
    raise AssertionError(f"{char!r} (U+{ord(char):04X}) is in none of {code}'s fonts {LANGUAGES[code].fonts}")


def freetype_box(path: str, index: int, text: str) -> np.ndarray:
    """(width, height) of the ink FreeType draws for ``text``, in ems."""
    font = ImageFont.truetype(path, PIXELS, index=index, layout_engine=ImageFont.Layout.RAQM)
    image = Image.new("L", (PIXELS * 4, PIXELS * 3))
    ImageDraw.Draw(image).text((PIXELS, PIXELS), text, font=font, fill=255)
    left, top, right, bottom = image.getbbox()
    return np.array([right - left, bottom - top]) / PIXELS


def outline_box(mob) -> np.ndarray:
    """(width, height) of the drawn outline, in ems: each quadratic curve evaluated, not its control points."""
    curves = []
    for sm in mob.family_members_with_points():
        points = sm.get_points()
        for k in range(0, len(points) - 2, 2):
            a, c, b = points[k], points[k + 1], points[k + 2]
            t = np.linspace(0, 1, 17)[:, None]
            curves.append((1 - t) ** 2 * a + 2 * t * (1 - t) * c + t ** 2 * b)
    xy = np.concatenate(curves)[:, :2]
    return np.ptp(xy, axis=0) / EM


def mismatches(code: str) -> list[str]:
    use_language(LANGUAGES[code])
    try:
        found = []
        for char in catalogue_characters(code):
            path, index = face_for(code, char)
            ours = outline_box(text_line(char, FONT_SIZE))
            theirs = freetype_box(path, index, char)
            if np.abs(ours - theirs).max() > TOLERANCE:
                found.append(f"{char} U+{ord(char):04X} {unicodedata.name(char, '?')}: outline {ours.round(3)} "
                             f"em, FreeType {theirs.round(3)} em")
        return found
    finally:
        use_language(LANGUAGES["en"])


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_glyph_of_every_catalogue_has_the_fonts_outline(code):
    assert features.check("raqm")  # Pillow's wheels bring HarfBuzz (raqm): the layout Pango does
    assert len(catalogue_characters(code)) > 60
    found = mismatches(code)
    assert not found, f"{len(found)} glyphs differ:\n" + "\n".join(found)


def test_manimgls_conversion_draws_the_spike_this_fixes():
    """The check can fail: with manimgl's conversion, ん and べ are off (the defect of issue 32)."""
    path, index = face_file("Noto Sans Mono CJK JP")
    use_language(LANGUAGES["ja"])
    glyph_outlines.use_manimgl_outlines()
    try:
        for char in "んべ":
            ours, theirs = outline_box(text_line(char, FONT_SIZE)), freetype_box(path, index, char)
            assert np.abs(ours - theirs).max() > 0.2
    finally:
        glyph_outlines.use_exact_outlines()
        use_language(LANGUAGES["en"])
    use_language(LANGUAGES["ja"])
    try:
        for char in "んべ":
            ours, theirs = outline_box(text_line(char, FONT_SIZE)), freetype_box(path, index, char)
            assert np.abs(ours - theirs).max() <= TOLERANCE
    finally:
        use_language(LANGUAGES["en"])
