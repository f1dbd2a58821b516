"""Text whose glyph outlines are turned into points once per process, not once per caption (and, through
:mod:`convanim.manim.speed.glyph_store`, once per machine).

manimgl's ``Text`` asks Pango for an SVG of the whole string, parses it with
svgelements and builds one VMobject per glyph from its path commands.  Pango
writes each distinct glyph once, as a ``<symbol>``, and places it with
``<use x=… y=…>``; so the same letter is parsed and converted again in every
caption, about half of a caption's 45 ms.  :class:`GlyphText` parses the SVG
with ElementTree instead; each distinct (glyph, enclosing styles) pair goes
through manimgl's own SVG conversion once, in a small SVG of that glyph placed
at the origin, and every placement is a copy of that mobject shifted by the
``use``'s ``(x, y)``.  Styles and labels are then what manimgl builds (a
test compares them with manimgl's ``Text`` in every caption language).  The
outlines are the font's: each cubic curve becomes quadratic pieces within a
tolerance (:mod:`convanim.manim.mobjects.glyph_outlines`), where manimgl's own
conversion drew spikes on some CJK glyphs (ん, へ, 入, …).

An SVG with anything else (a transform, a rectangle for an underline, an
image, attributes other than these) goes through manimgl's path unchanged.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Text, VMobject
from manimlib.mobject.svg.svg_mobject import SVGMobject

from convanim.manim.speed.glyph_store import disk_cache_on, store_glyph, stored_glyph
from convanim.manim.mobjects.glyph_outlines import SVG_UNITS_PER_POINT, TOLERANCE_EM, ExactOutlinePath, exact_outlines

SVG = "{http://www.w3.org/2000/svg}"
HREF = "{http://www.w3.org/1999/xlink}href"

#: The attributes a glyph SVG may carry where the fast path reads it (anything else: manimgl's path).
GROUP_ATTRIBUTES = {"id", "style", "fill", "fill-opacity"}
USE_ATTRIBUTES = {HREF, "x", "y"}
SYMBOL_ATTRIBUTES = {"id", "overflow"}
PATH_ATTRIBUTES = {"style", "d"}

#: Converted glyphs, by (Placement.key, style defaults, path config): the mobjects at the origin.
_GLYPHS: dict[tuple, list[VMobject]] = {}


class Placement:
    """One ``<use>``: where its glyph goes, the glyph's ``key`` (what its drawing depends on: the SVG's and
    the enclosing groups' attributes, the symbol's paths; not the ids) and the small SVG that draws it at
    the origin (made when asked for: only a glyph not converted yet needs it)."""

    def __init__(self, root: ET.Element, symbol: ET.Element, chain: list[ET.Element], href: str,
                 x: float, y: float) -> None:
        self.root, self.symbol, self.chain, self.href, self.x, self.y = root, symbol, chain, href, x, y
        self.key = (tuple(root.attrib.items()), without_id(symbol),
                    tuple(tuple(sorted(path.attrib.items())) for path in symbol),
                    tuple(without_id(group) for group in chain))

    @property
    def svg(self) -> str:
        return small_svg(self.root, self.symbol, self.chain, self.href)


def without_id(element: ET.Element) -> tuple:
    return tuple(sorted((k, v) for k, v in element.attrib.items() if k != "id"))


def glyph_placements(svg_string: str) -> list[Placement] | None:
    """The glyph placements of a Pango SVG, in drawing order, or None when it holds anything but symbols of
    single paths placed by ``<use>`` inside plain groups."""
    try:
        root = ET.fromstring(svg_string)
    except ET.ParseError:
        return None
    if root.tag != SVG + "svg":
        return None
    symbols: dict[str, ET.Element] = {}
    placements: list[Placement] = []

    def read_defs(element: ET.Element) -> bool:
        for child in element:
            if child.tag == SVG + "g" and not child.attrib:
                if not read_defs(child):
                    return False
            elif child.tag == SVG + "symbol" and set(child.attrib) <= SYMBOL_ATTRIBUTES and "id" in child.attrib:
                if any(p.tag != SVG + "path" or set(p.attrib) - PATH_ATTRIBUTES or len(p) for p in child):
                    return False
                symbols[child.attrib["id"]] = child
            else:
                return False
        return True

    def read_body(element: ET.Element, chain: list[ET.Element]) -> bool:
        for child in element:
            if child.tag == SVG + "defs" and not chain:
                if not read_defs(child):
                    return False
            elif child.tag == SVG + "g" and set(child.attrib) <= GROUP_ATTRIBUTES:
                if not read_body(child, chain + [child]):
                    return False
            elif child.tag == SVG + "use" and set(child.attrib) <= USE_ATTRIBUTES and len(child) == 0:
                href = child.attrib.get(HREF, "")
                if not href.startswith("#") or href[1:] not in symbols:
                    return False
                try:
                    x, y = float(child.attrib.get("x", 0)), float(child.attrib.get("y", 0))
                except ValueError:  # a length with units
                    return False
                placements.append(Placement(root, symbols[href[1:]], chain, href, x, y))
            else:
                return False
        return True

    return placements if read_body(root, []) else None


def small_svg(root: ET.Element, symbol: ET.Element, chain: list[ET.Element], href: str) -> str:
    """An SVG with ``root``'s attributes that draws ``symbol`` at the origin inside copies of the groups
    ``chain`` (outermost first), as the whole SVG would draw it at its ``use``'s place."""
    svg = ET.Element(root.tag, root.attrib)
    ET.SubElement(svg, SVG + "defs").append(symbol)
    parent = svg
    for group in chain:
        parent = ET.SubElement(parent, group.tag, {k: v for k, v in group.attrib.items() if k != "id"})
    ET.SubElement(parent, SVG + "use", {HREF: href})
    return ET.tostring(svg, encoding="unicode")


class GlyphCachedSVG(SVGMobject):
    """An SVGMobject whose ``mobjects_from_svg_string`` converts each distinct glyph once (see module), its
    cubic curves within a tolerance of the font's (:mod:`convanim.manim.mobjects.glyph_outlines`)."""

    @property
    def hash_seed(self) -> tuple:  # manimgl's cache of whole SVGs: one entry per outline conversion
        return (*super().hash_seed, exact_outlines())

    def path_to_mobject(self, path) -> VMobject:
        if not exact_outlines():
            return super().path_to_mobject(path)
        em = getattr(self, "font_size", 48) * SVG_UNITS_PER_POINT  # a Text's font size; 48 is manimgl's default
        return ExactOutlinePath(path, tolerance=em * TOLERANCE_EM, **self.path_string_config)

    def mobjects_from_svg_string(self, svg_string: str) -> list[VMobject]:
        placements = glyph_placements(svg_string)
        if placements is None:
            return super().mobjects_from_svg_string(svg_string)
        defaults = (repr(self.svg_default), repr(self.path_string_config), exact_outlines())
        mobjects = []
        for placement in placements:
            key = (placement.key, defaults)
            if key not in _GLYPHS:
                _GLYPHS[key] = self.converted_glyph(key, placement)
            offset = np.array([placement.x, placement.y, 0.0])
            mobjects.extend(glyph.copy().shift(offset) for glyph in _GLYPHS[key])
        return mobjects


    def converted_glyph(self, key: tuple, placement: Placement) -> list[VMobject]:
        """The glyph's mobjects at the origin: read from the disk cache (:mod:`convanim.manim.speed.glyph_store`)
        when a process converted it before, else converted here (and stored)."""
        on_disk = disk_cache_on()
        stored = stored_glyph(key) if on_disk else None
        if stored is not None:
            return stored
        mobjects = super().mobjects_from_svg_string(placement.svg)
        if on_disk:
            store_glyph(key, mobjects)
        return mobjects


class GlyphText(Text, GlyphCachedSVG):
    """manimgl's ``Text``, built from glyphs converted once per process (same arguments, same result)."""
