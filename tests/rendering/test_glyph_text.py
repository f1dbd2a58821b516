"""GlyphText (glyphs converted once per process) against manimgl's Text: same glyphs, points, styles, labels."""
import re
from pathlib import Path

import numpy as np
import pytest
import svgelements as se
import xml.etree.ElementTree as ET
from scipy.spatial import cKDTree

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib import Text

import convanim.languages
from convanim.manim.mobjects.glyph_outlines import SVG_UNITS_PER_POINT, TOLERANCE_EM, ExactOutlinePath
from convanim.languages import LANGUAGES
from convanim.manim.speed import glyph_text
from convanim.manim.speed.glyph_text import HREF, SVG, GlyphText, glyph_placements

CATALOGUES = Path(convanim.languages.__file__).parent  # the caption catalogues


def translated_captions(directory: str, count: int) -> list[str]:
    """The first ``count`` translated messages of a catalogue (placeholders filled with a number)."""
    text = (CATALOGUES / directory / "LC_MESSAGES" / "convanim.po").read_text(encoding="utf-8")
    messages = [m for m in re.findall(r'^msgstr "(.+)"$', text, flags=re.M) if m.strip()]
    return [re.sub(r"\{[^}]*\}", "12", m) for m in messages[:count]]


CASES = [
    ("Output (1, 2) = 3 + −2 × 0.5 + bias 0.25", LANGUAGES["en"].font, None),
    ("window 3 of 9: products 1·2 + (−1)·0 = 2", LANGUAGES["en"].font, None),
    ("Gradient wrt the input: ∂L/∂x = Σ w · ∂L/∂y", LANGUAGES["de"].font, None),
    ("a long caption that Pango wraps at its own line breaks, over more than one line", LANGUAGES["en"].font, 4.0),
    *((caption, LANGUAGES["th"].font, None) for caption in translated_captions("th", 3)),
    *((caption, LANGUAGES["ja"].font, None) for caption in translated_captions("ja", 3)),
    *((caption, LANGUAGES["zh-Hans"].font, 3.0) for caption in translated_captions("zh_Hans", 2)),
]


#: How far apart two outlines of the same glyph may be, in scene units: half a pixel at 1080p (one unit is
#: 135 pixels there).
OUTLINE_TOLERANCE = 0.5 / 135


def outline_samples(glyph, spacing: float = 1e-4) -> np.ndarray:
    """Points along every quadratic curve of each subpath of a glyph (manimgl 1.7: anchor, handle, anchor,
    ...), about ``spacing`` units apart."""
    samples = []
    for points in glyph.get_subpaths():
        for a0, h, a1 in zip(points[0:-1:2], points[1::2], points[2::2]):
            n = 2 + int((np.linalg.norm(h - a0) + np.linalg.norm(a1 - h)) / spacing)
            t = np.linspace(0, 1, n)[:, None]
            samples.append((1 - t) ** 2 * a0 + 2 * t * (1 - t) * h + t ** 2 * a1)
    return np.concatenate(samples)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """The Hausdorff distance between two sets of points."""
    return float(max(cKDTree(b).query(a)[0].max(), cKDTree(a).query(b)[0].max()))


@pytest.mark.parametrize("string, font, line_width", CASES)
def test_glyph_text_builds_what_manimgl_text_builds(string, font, line_width):
    wrap = {} if line_width is None else {"line_width": line_width}
    expected = Text(string, font_size=28, color="#FFCC00", font=font, **wrap)
    built = GlyphText(string, font_size=28, color="#FFCC00", font=font, **wrap)
    assert glyph_placements(built.get_svg_string()) is not None  # the fast path drew it, not manimgl's
    assert len(built.submobjects) == len(expected.submobjects) > 0
    for ours, theirs in zip(built.submobjects, expected.submobjects):
        assert ours.label == theirs.label
        for field in ("fill_rgba", "stroke_rgba", "stroke_width", "fill_border_width"):  # one value per point
            np.testing.assert_array_equal(np.unique(ours.data[field], axis=0), np.unique(theirs.data[field], axis=0))
        if font == LANGUAGES["en"].font:  # the other fonts' cubic curves: see the next test
            assert distance(outline_samples(ours), outline_samples(theirs)) < OUTLINE_TOLERANCE
    np.testing.assert_allclose(built.get_center(), expected.get_center(), atol=1e-4)
    np.testing.assert_allclose(built.get_width(), expected.get_width(), rtol=1e-4)
    assert built.get_text() == expected.get_text()
    word = string.split()[0]  # labels still select: the part for a substring is the same glyphs
    assert len(built.select_part(word)) == len(expected.select_part(word)) > 0
    np.testing.assert_allclose(built.select_part(word).get_center(), expected.select_part(word).get_center(),
                               atol=1e-4)


@pytest.mark.parametrize("string, font, line_width", [case for case in CASES if case[1] != LANGUAGES["en"].font])
def test_glyphs_converted_at_the_origin_follow_the_font_outline_within_the_tolerance(string, font, line_width):
    """Each cubic curve of a glyph becomes quadratic pieces within TOLERANCE_EM of the em (fontTools' cu2qu,
    convanim.manim.mobjects.glyph_outlines).  Measured against the font's own curves (sampled with svgelements, in
    Pango's units), a glyph converted at the origin and shifted into place strays from them by no more than
    that; manimgl's conversion, which tests exact zeros and signs that floating-point noise flips, strayed up
    to 1.9 units here (0.77 pixels each at 1080p for a 28-point caption)."""
    wrap = {} if line_width is None else {"line_width": line_width}
    root = ET.fromstring(Text(string, font_size=28, font=font, **wrap).get_svg_string())
    paths = {symbol.attrib["id"]: symbol[0].attrib["d"] for symbol in root.iter(SVG + "symbol") if len(symbol)}
    tolerance = 28 * SVG_UNITS_PER_POINT * TOLERANCE_EM
    checked = 0
    for use in root.iter(SVG + "use"):
        d = paths.get(use.attrib[HREF][1:], "")
        if len(se.Path(d)) < 2:  # a space
            continue
        x, y = float(use.attrib.get("x", 0)), float(use.attrib.get("y", 0))
        placed = se.Path(d) * se.Matrix(f"translate({x}, {y})")
        placed.reify()
        font_curves = np.concatenate([np.asarray(seg.npoint(np.linspace(0, 1, 400)))
                                      for seg in placed.segments() if not isinstance(seg, se.Move)])
        font_curves = np.column_stack([font_curves, np.zeros(len(font_curves))])
        ours = outline_samples(ExactOutlinePath(se.Path(d), tolerance).shift([x, y, 0.0]), spacing=0.05)
        assert cKDTree(font_curves).query(ours)[0].max() <= tolerance + 0.02  # + the samples' own spacing
        checked += 1
    assert checked > 0


def test_the_same_glyph_is_converted_once_and_placed_by_copies():
    glyph_text._GLYPHS.clear()
    GlyphText("aaaa bbb", font_size=28, font=LANGUAGES["en"].font)
    first = len(glyph_text._GLYPHS)
    assert first <= 3  # a, b and at most the space: not one per letter placed
    GlyphText("abba", font_size=40, font=LANGUAGES["en"].font)  # other size, same glyph outlines in Pango's units
    assert len(glyph_text._GLYPHS) <= first + 2


SVG_HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'width="10pt" height="10pt" viewBox="0 0 10 10">'
            '<defs><g><symbol overflow="visible" id="g1"><path style="stroke:none;" d="M 0 0 L 1 0 L 1 1 Z"/>'
            '</symbol></g></defs>')


@pytest.mark.parametrize("body", [
    '<g><rect x="0" y="0" width="4" height="1"/></g>',  # an underline
    '<g transform="scale(2)"><use xlink:href="#g1" x="1" y="2"/></g>',  # a transform on a group
    '<g><use xlink:href="#g1" x="1pt" y="2"/></g>',  # a length with units
    '<g><use xlink:href="#missing" x="1" y="2"/></g>',  # an unknown symbol
])
def test_svgs_outside_the_glyph_subset_go_through_manimgls_path(body):
    assert glyph_placements(SVG_HEAD + body + "</svg>") is None


def test_a_plain_glyph_svg_is_read_as_placements():
    placements = glyph_placements(SVG_HEAD + '<g style="fill:rgb(0%,0%,0%);"><use xlink:href="#g1" x="1.5" y="2"/>'
                                  '<use xlink:href="#g1" x="3" y="2"/></g></svg>')
    assert [(p.x, p.y) for p in placements] == [(1.5, 2.0), (3.0, 2.0)]
    assert placements[0].svg == placements[1].svg and 'fill:rgb(0%,0%,0%)' in placements[0].svg
