"""CodeCard: the PyTorch lines of what a scene showed, on a card (the closing card of ``show_code``).

The lines are drawn in the number font (a monospace font, the same in every language) at one size, as large as
fits the frame and never below the smallest caption size; the title above them is in the scene's language.
"""
from __future__ import annotations

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import UP, RoundedRectangle, VGroup

from convanim.languages import NUMBER_FONT
from convanim.manim.mobjects.cells import caption_text, min_caption_size
from convanim.manim.speed.glyph_text import GlyphText

#: The card's room in the frame (frame units) and the largest font its lines are drawn at.
CARD_WIDTH, CARD_HEIGHT, LARGEST_CODE_SIZE = 13.2, 5.6, 30


class CodeCard(VGroup):
    """``title`` above ``lines`` of code on a rounded card.  ``self.lines`` is their text mobject; its ``code``
    attribute holds the lines as written (spaces kept, one per line), so a test can run what is shown."""

    def __init__(self, lines: tuple[str, ...] | list[str], title: str, background: str = "#1E1E1E",
                 color: str = "#E0E0E0"):
        super().__init__()
        probe = GlyphText("M" * max(len(line) for line in lines), font=NUMBER_FONT, font_size=48)
        width_size = 48 * CARD_WIDTH * 0.94 / probe.get_width()
        height_size = 48 * CARD_HEIGHT * 0.8 / (1.45 * len(lines) * probe.get_height())
        size = max(min(LARGEST_CODE_SIZE, width_size, height_size), min_caption_size())
        #: False when the lines do not fit the card's room at the smallest caption size (too many, too long)
        self.fits = min(width_size, height_size) >= min_caption_size()
        # one text for all the lines: Pango keeps the spaces of the indentation and spaces the lines evenly
        self.lines = GlyphText("\n".join(lines), font=NUMBER_FONT, font_size=size, color=color)
        self.lines.code = "\n".join(lines)  # what the card says, as written
        self.title = caption_text(title, 26, "#BDBDBD")
        box = RoundedRectangle(width=min(CARD_WIDTH, self.lines.get_width() + 0.8),
                               height=self.lines.get_height() + 0.7, corner_radius=0.15)
        box.set_fill(background, 1).set_stroke("#616161", 1.5)
        box.move_to(self.lines)
        self.box = box
        self.add(box, self.lines)
        self.title.next_to(box, UP, buff=0.25)
        self.add(self.title)


__all__ = ["CodeCard"]
