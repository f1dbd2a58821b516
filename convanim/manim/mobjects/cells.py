"""Mobjects for layers: numbered grids, channel stacks, the kernel overlay, the bias chip, the caption."""
from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import (DOWN, FRAME_X_RADIUS, RIGHT, UP, AnimationGroup, Polygon, Rectangle, RoundedRectangle, Square,
                      Text, Transform, VGroup, VMobject, interpolate_color)
from manimlib.animation import fading
from manimlib.utils.rate_functions import smooth, squish_rate_func

from convanim.languages import LANGUAGES, Language, lookup
from convanim.statements import APPROXIMATE_NOTE

from convanim.manim.mobjects.numbers import make_number, set_number, shown_value, widest_text
from convanim.manim.speed.glyph_text import GlyphText
from convanim.manim.animations import fades as cheap_fades
from convanim.manim.animations.fades import FadeIn, fade_out_then_in


#: Share of a cell's pitch left empty between neighbouring cells (the grid lines).
GAP = 0.06

#: The smallest font size on screen: every digit is then at least 8 px tall at 480p and 12 px at 720p
#: ("4", the shortest digit, measures 8.4 px at 480p).  Grids that cannot hold their numbers at this size
#: fall back (see :func:`min_cell_for`), captions wrap.
MIN_FONT_SIZE = 19.0
#: Room for a caption: the frame is 14.2 units wide.
CAPTION_WIDTH = 13.4


def fit_font_size(cell: float, widest: str, share: float = 0.78, height_share: float = 0.45) -> float:
    """Font size at which ``widest`` fills ``share`` of a cell of side ``cell``, its digits at most
    ``height_share`` of the cell high."""
    probe = text_line(widest, font_size=48)
    by_width = 48 * share * cell / max(probe.get_width(), 1e-6)
    by_height = 48 * height_share * cell / max(probe.get_height(), 1e-6)
    return float(min(by_width, by_height))


def min_cell_for(widest: str, share: float = 0.78) -> float:
    """The smallest cell side at which ``widest`` fits at :data:`MIN_FONT_SIZE` (see fit_font_size)."""
    return MIN_FONT_SIZE / fit_font_size(1.0, widest, share)


def readable_cell(preferred: float, values, decimals: int) -> float:
    """The preferred cell side, or larger where the widest of ``values`` would fall under :data:`MIN_FONT_SIZE`."""
    return max(preferred, min_cell_for(widest_text(values, decimals)))


def readable_grid(values: np.ndarray, preferred: float, color: str, decimals: int, mask=None,
                  padding_color: str = "#424242") -> NumberGrid:
    """A NumberGrid with the preferred cell side, or larger where its widest number would be too small."""
    return NumberGrid(values, readable_cell(preferred, values, decimals), color, decimals, mask, padding_color)


class NumberGrid(VGroup):
    """A rows×cols grid of square cells with a number in each.

    ``values`` (rows, cols); ``mask`` (rows, cols) True on padding cells,
    drawn in ``padding_color`` with dimmer numbers.  ``cell(i, j)`` and
    ``number(i, j)`` give the mobjects; ``shown_values()`` reads back what
    is drawn.  With ``show_numbers=False`` (grids too big to read) no
    numbers are made and each cell is shaded by its value instead.
    """

    def __init__(self, values: np.ndarray, cell_size: float, color: str, decimals: int = 0,
                 mask: np.ndarray | None = None, padding_color: str = "#424242", font_size: float | None = None,
                 text_color: str = "#FFFFFF", fill_opacity: float = 1.0, show_numbers: bool = True):
        super().__init__()
        values = np.asarray(values)
        self.shape = values.shape
        self.cell_size = cell_size
        self.decimals = decimals
        self.mask = np.zeros(values.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        if font_size is None:
            font_size = fit_font_size(cell_size, widest_text(values, decimals))
        self.font_size = font_size
        rows, cols = values.shape
        self.squares = VGroup()
        self.numbers = VGroup()
        for i in range(rows):
            for j in range(cols):
                padded = self.mask[i, j]
                # Cells are drawn slightly smaller than their pitch: the gaps are
                # the grid lines, so no stroke pass is needed (see ring()).
                sq = Square(side_length=cell_size * (1 - GAP)).set_stroke(width=0)
                fill = padding_color if padded else color if show_numbers else shade(values, i, j, color)
                sq.set_fill(fill, opacity=fill_opacity)
                sq.move_to(np.array([(j - (cols - 1) / 2) * cell_size, ((rows - 1) / 2 - i) * cell_size, 0]))
                self.squares.add(sq)
        self.show_numbers = show_numbers
        self.cell_color = color
        self.text_color = text_color
        if show_numbers:
            self.numbers.add(*(self.number_for(i, j, value) for (i, j), value in np.ndenumerate(values)))
        self.add(self.squares, self.numbers)

    def number_for(self, i: int, j: int, value: object):
        """A number mobject showing ``value`` in cell (i, j): dimmer on a padding cell."""
        color = "#BDBDBD" if self.mask[i, j] else self.text_color
        return make_number(value, self.decimals, self.font_size, color).move_to(self.cell(i, j))

    def index(self, i: int, j: int) -> int:
        return i * self.shape[1] + j

    def cell(self, i: int, j: int) -> Square:
        return self.squares[self.index(i, j)]

    def number(self, i: int, j: int):
        return self.numbers[self.index(i, j)]

    def piece(self, i: int, j: int):
        """What flies out of cell (i, j): its number, or the cell itself in a grid without numbers."""
        return self.number(i, j) if self.show_numbers else self.cell(i, j)

    def set_number(self, i: int, j: int, value: object) -> None:
        """Show ``value`` in cell (i, j) (glyphs and state together); nothing if numbers are hidden."""
        if not self.show_numbers:
            return
        set_number(self.number(i, j), value)
        self.number(i, j).move_to(self.cell(i, j))

    def show_values(self, values: np.ndarray) -> None:
        """Show a whole new array at once: its numbers, or (a grid without numbers) its shades."""
        for (i, j), value in np.ndenumerate(values):
            if self.show_numbers:
                self.set_number(i, j, value)
            elif not self.mask[i, j]:
                self.cell(i, j).set_fill(shade(values, i, j, self.cell_color))

    def fade_to_values(self, values: np.ndarray) -> tuple[list, Callable[[], None]]:
        """Animations that fade the numbers out over the first half of the animation and the numbers of
        ``values`` (rows, cols) in over the second (``convanim.manim.animations.fades.fade_out_then_in``), and
        ``finish()``, to call once they played, which makes the new numbers the grid's.

        No frame shows a value other than the old and the new ones (a count passes through values that
        belong to neither), nor two numbers over each other.
        """
        values = np.asarray(values)
        if values.shape != self.shape:
            raise ValueError(f"values: a {self.shape[0]}×{self.shape[1]} grid takes {self.shape[0]}×"
                             f"{self.shape[1]} values; got shape {values.shape}")
        if not self.show_numbers:
            raise ValueError(f"this {self.shape[0]}×{self.shape[1]} grid draws no numbers (too many cells)")
        new = VGroup(*(self.number_for(i, j, value) for (i, j), value in np.ndenumerate(values)))
        old = self.numbers

        def finish() -> None:
            self.numbers = new
            self.replace_submobject(self.submobjects.index(old), new)

        return fade_out_then_in(old, new), finish

    def clearance(self, values: np.ndarray | None = None) -> tuple[float, float] | None:
        """Half the width and half the height of the widest number the grid draws (of ``values``: every number
        it will show, when they change), for a :class:`KernelOverlay` over it; None when it draws no numbers."""
        if not self.show_numbers:
            return None
        probe = text_line(widest_text(self.shown_values() if values is None else values, self.decimals),
                          font_size=self.font_size)
        return probe.get_width() / 2, probe.get_height() / 2

    def receive(self, flying: Sequence, cells: Sequence[tuple[int, int]],
                totals: dict) -> tuple[list, Callable[[], None]]:
        """Numbers landing and adding in: each of ``flying`` moves onto its cell of ``cells`` and fades as it
        arrives (over the first half of the animation), while each cell of ``totals`` ((i, j) -> value) fades
        its old number out and, over the second half, its total in.  Returns the animations and ``finish()``,
        to call once they played (the totals become the grid's numbers).  The flying ones leave the scene as
        they land.

        No frame shows a number landed over another (digits over digits), nor a value other than the old
        and the total.  A grid without numbers only receives the flying numbers.
        """
        first_half = squish_rate_func(smooth, 0.0, 0.5)
        flights = [n.animate(rate_func=first_half, remover=True).move_to(self.cell(*c)).set_opacity(0)
                   for n, c in zip(flying, cells)]
        if not self.show_numbers:
            return flights, lambda: None
        old = VGroup(*(self.number(*c) for c in totals))
        new = VGroup(*(self.number_for(*c, value) for c, value in totals.items()))

        def finish() -> None:
            for (i, j), number in zip(totals, new):
                self.numbers.replace_submobject(self.index(i, j), number)

        return flights + fade_out_then_in(old, new), finish

    def shown_values(self) -> np.ndarray:
        """What the grid draws, read back from its number mobjects: (rows, cols) floats."""
        if not self.show_numbers:
            raise ValueError(f"this {self.shape[0]}×{self.shape[1]} grid draws no numbers (too many cells)")
        return np.array([shown_value(n) for n in self.numbers]).reshape(self.shape)

    def visible(self) -> np.ndarray:
        """(rows, cols) True where the number is drawn (not faded out)."""
        return np.array([float(n.get_fill_opacity()) > 0 for n in self.numbers]).reshape(self.shape)


def shade(values: np.ndarray, i: int, j: int, color: str) -> str:
    """``color`` darkened for small values, full for the largest (a picture of the grid)."""
    return shade_of(values[i, j], float(np.min(values)), float(np.max(values)), color)


def shade_of(value: object, low: float, high: float, color: str) -> str:
    """``color`` at 20 % of its light for ``low``, full for ``high``, linear between (clipped; manimgl mixes the
    squared components, so the light, not the components, is linear)."""
    level = 1.0 if high == low else min(max((float(value) - low) / (high - low), 0.0), 1.0)
    return interpolate_color("#000000", color, 0.2 + 0.8 * level).hex_l


def visible_plate(width: float, height: float, offset: np.ndarray) -> VMobject:
    """The part of a ``width`` × ``height`` plate left showing by the plate (or grid) in front of it, ``offset``
    (right and up) nearer: an L along the top and the right edge.  Only that part is drawn: manimgl fills a grid
    over a plate with a little of the plate showing through (about 5 %, so the front kernel of a stacked filter
    panel had lighter patches on its digits, issue 32)."""
    dx, dy = min(float(offset[0]), width), min(float(offset[1]), height)
    left, right, bottom, top = -width / 2, width / 2, -height / 2, height / 2
    corners = [(left, top - dy), (left, top), (right, top), (right, bottom), (right - dx, bottom),
               (right - dx, top - dy)]
    return Polygon(*(np.array([x, y, 0.0]) for x, y in corners))


def plate_centre(width: float, height: float, plate: VMobject) -> np.ndarray:
    """Where the centre of the whole plate (not of its visible part) is now."""
    return np.array([plate.get_right()[0] - width / 2, plate.get_top()[1] - height / 2, 0.0])


class ChannelStack(VGroup):
    """Channels of an input shown as a stack: one numbered grid in front, plates behind.

    Only the front grid is drawn with numbers, so no number is ever drawn
    over another; the plates behind (one per other channel, no numbers)
    show the depth.  :meth:`bring_forward` brings another channel to the front.
    """

    def __init__(self, grids: Sequence[NumberGrid], offset: np.ndarray, plate_color: str):
        super().__init__()
        self.grids = list(grids)
        self.offset = np.asarray(offset, dtype=float)
        self.front = 0
        self.plates = VGroup()
        width, height = grids[0].get_width(), grids[0].get_height()
        for depth in range(len(self.grids) - 1, 0, -1):  # farthest first
            plate = visible_plate(width, height, self.offset) if self.offset[0] > 0 and self.offset[1] > 0 else \
                Rectangle(width=width, height=height)
            plate.set_stroke(width=0).set_fill(interpolate_color(plate_color, "#000000", 0.15 + 0.12 * depth),
                                               opacity=1)
            plate.shift(grids[0].get_center() + depth * self.offset - plate_centre(width, height, plate))
            self.plates.add(plate)
        self.add(self.plates, self.grids[0])

    def front_grid(self) -> NumberGrid:
        return self.grids[self.front]

    def bring_forward(self, scene, channel: int, run_time: float, *also) -> None:
        """Play the front grid going back and ``channel`` coming forward (with ``also``)."""
        animations, finish = self.swap_front(scene, channel)
        scene.play(*animations, *also, run_time=run_time)
        finish()

    def swap_front(self, scene, channel: int):
        """The animations that bring ``channel`` to the front, and the function to call after playing them."""
        old, new = self.front_grid(), self.grids[channel]
        new.move_to(old)
        ghost = old.copy()
        scene.remove(old)
        self.remove(old)
        back = self.offset * max(len(self.grids) - 1, 1)

        def finish() -> None:
            scene.remove(ghost, new)
            self.add(new)
            self.front = channel
            scene.add(self)  # the stack is drawn as one mobject again

        speed = getattr(scene, "speed", None)
        fades = fading if speed is not None and speed.shifts == "manimgl" else cheap_fades
        return [fades.FadeOut(ghost, shift=back), fades.FadeIn(new, shift=-self.offset)], finish


class KernelOverlay(VGroup):
    """Outlines of the kernel taps with each weight small in the tap's corner.

    Placed over the input window, the input numbers stay readable in the
    cell centres while the weights sit at the bottom-right corners.
    ``tap(ky, kx)`` is the outline; ``weight(ky, kx)`` the number.
    """

    def __init__(self, weights: np.ndarray, cell_size: float, spacing: tuple[float, float], color: str,
                 decimals: int = 0, clear: tuple[float, float] | None = None):
        super().__init__()
        kh, kw = weights.shape
        self.shape = weights.shape
        widest = widest_text(weights, decimals)
        font = max(MIN_FONT_SIZE, 0.62 * fit_font_size(cell_size, widest))
        # Fallback: a weight that cannot sit in the tap's corner at the minimum size is not drawn there
        # (the filter panel and the products caption show it).
        probe = text_line(widest, font_size=font)
        self.shows_weights = probe.get_width() <= 0.6 * cell_size and probe.get_height() <= 0.3 * cell_size
        if clear is not None and self.shows_weights:
            # ``clear``: the half width and half height of the widest number in the cells below; a weight in
            # the corner must lie right of it or below it (digits beside digits, not over them).
            corner = cell_size * ((1 - GAP) / 2 - 0.05)
            right_of = corner - probe.get_width() >= clear[0]
            below = -corner + probe.get_height() <= -clear[1]
            self.shows_weights = right_of or below
        self.taps = VGroup()
        self.weights = VGroup()
        for ky in range(kh):
            for kx in range(kw):
                sq = ring(cell_size * (1 - GAP), cell_size * (1 - GAP), 0.09 * cell_size, color)
                sq.move_to(np.array([kx * spacing[1], -ky * spacing[0], 0]))
                self.taps.add(sq)
                w = make_number(weights[ky, kx], decimals, font, "#FFFFFF")
                w.move_to(sq.get_corner(DOWN + RIGHT) + np.array([-0.05, 0.05, 0]) * cell_size, DOWN + RIGHT)
                if not self.shows_weights:
                    w.set_opacity(0)
                self.weights.add(w)
        self.add(self.taps, self.weights)

    def tap(self, ky: int, kx: int) -> Square:
        return self.taps[ky * self.shape[1] + kx]

    def weight(self, ky: int, kx: int):
        return self.weights[ky * self.shape[1] + kx]

    def shown_values(self) -> np.ndarray:
        return np.array([shown_value(w) for w in self.weights]).reshape(self.shape)

    def shift_onto(self, grid: NumberGrid, row: int, col: int) -> np.ndarray:
        """The shift that puts tap (0, 0) on ``grid`` cell (row, col)."""
        return grid.cell(row, col).get_center() - self.tap(0, 0).get_center()


class WindowLens(VGroup):
    """The window under the kernel drawn again, at a readable size, framed: where the products are written
    when they are too wide for the input's own cells (a 28×28 input).  ``grid`` holds the window's values,
    (KH, KW)."""

    def __init__(self, values: np.ndarray, cell_size: float, color: str, decimals: int, frame_color: str):
        super().__init__()
        self.grid = NumberGrid(values, cell_size, color, decimals)
        self.add(self.grid, frame_around(self.grid, frame_color, buff=0.06, thickness=0.04))


class BiasChip(VGroup):
    """A purple chip ``b = 48`` for one filter's bias."""

    def __init__(self, value: object, color: str, decimals: int = 0, font_size: float = 30, label: str = "b"):
        super().__init__()
        self.label = text_line(f"{label} =", font_size=font_size)
        self.value = make_number(value, decimals, font_size, "#FFFFFF")
        self.value.next_to(self.label, RIGHT, buff=0.12)
        self.box = RoundedRectangle(width=VGroup(self.label, self.value).get_width() + 0.35,
                                    height=VGroup(self.label, self.value).get_height() + 0.3, corner_radius=0.12)
        self.box.set_fill(color, opacity=0.9).set_stroke(width=0)
        self.box.move_to(VGroup(self.label, self.value))
        self.add(self.box, self.label, self.value)

    def shown_value(self) -> float:
        return shown_value(self.value)


#: A hyphen that starts a number ("= -20", "(-3)", "b = -4"); not one between digits ("rows 0-2").
_NEGATIVE = re.compile(r"(?<![\w\]\)])-(?=[\d∞.])")


def with_minus_signs(text: str) -> str:
    """``text`` with the hyphen of each negative number replaced by a minus sign, as the grids draw it."""
    return _NEGATIVE.sub("−", text)


#: The language whose fonts draw captions and labels (every scene sets its own before setup(): use_language).
_caption_language: Language = LANGUAGES["en"]


def use_language(language: Language) -> None:
    """Draw the captions and labels made from now on with ``language``'s fonts (numbers keep theirs)."""
    global _caption_language
    _caption_language = language


def text_line(text: str, font_size: float = 30, color: str = "#FFFFFF", line_width: float | None = None) -> Text:
    """One line of Pango text (no LaTeX) in the caption language's fonts; negative numbers get a real minus
    sign.  ``line_width`` (frame units): Pango wraps the text there, at its own line breaks."""
    wrap = {} if line_width is None else {"line_width": line_width}
    return GlyphText(with_minus_signs(text), font_size=font_size, color=color, font=_caption_language.font, **wrap)


def wrap_lines(text: str, width: int) -> str:
    """``text`` broken at spaces into lines of at most ``width`` characters (longer words stay whole)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join(lines + [line])


#: The smallest height of a letter on screen, in frame units: 8 pixels at 480p (the frame is 8 units high).
MIN_LETTER_HEIGHT = 8 / 60
_min_caption_sizes: dict[str, float] = {}


def min_caption_size(language: Language | None = None) -> float:
    """The smallest font size of ``language``'s captions (default: the caption language): MIN_FONT_SIZE, or
    larger where the script's ordinary letters (``Language.letters``) would be under MIN_LETTER_HEIGHT there
    (Thai: about 29, where its consonants are 8 px tall at 480p, as digits are at 19)."""
    language = language or _caption_language
    if language.code not in _min_caption_sizes:
        glyphs = GlyphText(language.letters, font_size=48, font=language.font).submobjects
        height = float(np.median([g.get_height() for g in glyphs]))
        _min_caption_sizes[language.code] = max(MIN_FONT_SIZE, float(np.ceil(48 * MIN_LETTER_HEIGHT / height)))
    return _min_caption_sizes[language.code]


def caption_text(text: str, font_size: float = 28, color: str = "#FFFFFF", max_width: float = CAPTION_WIDTH) -> Text:
    """A caption that fits ``max_width``: shrunk down to the language's smallest size (:func:`min_caption_size`),
    then wrapped onto more lines.

    Never drawn smaller than the minimum; ``.text`` keeps the words (line breaks as newlines).
    """
    smallest = min_caption_size()
    font_size = max(font_size, smallest)
    mob = text_line(text, font_size, color)
    if mob.get_width() <= max_width:
        return mob
    if font_size * max_width / mob.get_width() >= smallest:
        return text_line(text, font_size * max_width / mob.get_width(), color)
    if not _caption_language.spaced:  # Thai, Japanese, Chinese: Pango breaks between words or characters
        mob = text_line(text, smallest, color, line_width=max_width)
        return mob if mob.get_width() <= max_width else mob.set_width(max_width)
    width_at_min = mob.get_width() * smallest / font_size
    lines = int(np.ceil(width_at_min / max_width))
    while True:  # balanced lines: as many as needed, each about the same length
        mob = text_line(wrap_lines(text, int(np.ceil(len(text) / lines))), smallest, color)
        if mob.get_width() <= max_width or lines >= len(text.split(" ")):
            return mob
        lines += 1


def swap_caption(old: Text, text: str, font_size: float = 28) -> tuple[Text, AnimationGroup]:
    """A new bottom caption and the change to it: the old one fades out, then the new one in (a glyph morph
    would show half-formed digits, and a cross-fade two captions over each other)."""
    new = caption_text(text, font_size).to_edge(DOWN, buff=0.3)
    return new, AnimationGroup(*fade_out_then_in(old, new))


def swap_caption_with_note(old: Text, note: Text | None, text: str, font_size: float, approximate: bool
                           ) -> tuple[Text, Text | None, AnimationGroup]:
    """:func:`swap_caption`, and the note that says why a statement is written with ≈.

    The first approximate statement brings the note (returned as the new
    ``note``); once shown, it stays just above whatever caption follows.
    """
    caption, animation = swap_caption(old, text, font_size)
    if approximate and note is None:
        note = caption_text(lookup(_caption_language.code, APPROXIMATE_NOTE), 20, "#BDBDBD")
        note.next_to(caption, UP, buff=0.12)
        return caption, note, AnimationGroup(animation, FadeIn(note))
    if note is not None:
        note.next_to(caption, UP, buff=0.12)
    return caption, note, animation


def label_above(mob, text: str, font_size: float = 24, color: str = "#BDBDBD", buff: float = 0.18) -> Text:
    """A small label placed above ``mob`` (at least the language's smallest caption size), moved sideways as
    far as it takes to stay inside the frame."""
    label = text_line(text, font_size=max(font_size, min_caption_size()), color=color).next_to(mob, UP, buff=buff)
    margin = FRAME_X_RADIUS - 0.1
    if label.get_left()[0] < -margin:
        label.shift((-margin - label.get_left()[0]) * RIGHT)
    elif label.get_right()[0] > margin:
        label.shift((margin - label.get_right()[0]) * RIGHT)
    return label


def ring(width: float, height: float, thickness: float, color: str, opacity: float = 1.0) -> VMobject:
    """A filled rectangular frame (outer rectangle minus inner one).

    Outlines are drawn as fills, not strokes: on a CPU renderer every extra
    draw pass costs about as much as all the cells together.
    """
    outer = Rectangle(width=width, height=height)
    inner = Rectangle(width=max(width - 2 * thickness, 1e-3), height=max(height - 2 * thickness, 1e-3))
    inner.reverse_points()
    frame = VMobject()
    frame.set_points(outer.get_points())
    frame.add_subpath(inner.get_points())
    return frame.set_fill(color, opacity=opacity).set_stroke(width=0)


def frame_around(mob, color: str, buff: float = 0.06, thickness: float = 0.05) -> VMobject:
    """A filled frame around ``mob`` (a highlight)."""
    return ring(mob.get_width() + 2 * buff, mob.get_height() + 2 * buff, thickness, color).move_to(mob)



class FlyInto(Transform):
    """A copy of ``source`` flies onto ``target``, which appears when it lands.

    Unlike ``TransformFromCopy`` the target stays where it is in its grid
    (manimgl would otherwise re-add it to the scene on its own and split its
    grid apart); it is hidden during the flight and shown at the end.
    """

    def __init__(self, source, target, **kwargs):
        self.landing = target
        super().__init__(source.copy(), target.copy(), remover=True, **kwargs)

    def begin(self) -> None:
        self.landing.set_opacity(0)
        super().begin()

    def finish(self) -> None:
        super().finish()
        self.landing.set_opacity(1)
