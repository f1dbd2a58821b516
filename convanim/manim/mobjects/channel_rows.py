"""ChannelRows: the channels of a 1-D signal, each a row of numbered cells, one under the other.

A 1-D conv reads every channel along the same time axis, so the channels are drawn as rows whose columns
line up (time step ``i`` of every channel in one column), each named at its left.  The row being read is
framed: the rows' counterpart of :class:`~convanim.manim.mobjects.cells.ChannelStack`'s front grid, with the
same interface (``front``, :meth:`front_grid`, :meth:`swap_front`), so a conv scene slides its kernel along
either.  ``column_names`` (a sentence's words, say) are written under the columns.
"""
from __future__ import annotations

from typing import Sequence

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, LEFT, Transform, VGroup

from convanim.manim.mobjects.cells import MIN_FONT_SIZE, MIN_LETTER_HEIGHT, NumberGrid, caption_text, frame_around

#: The space between two rows and between a row and its name (frame units).
ROW_GAP, NAME_GAP = 0.08, 0.15


class ChannelRows(VGroup):
    """``grids`` (each one row high) one under the other, named by ``names`` at the left; ``frame_color`` frames
    the row being read.  ``column_names``: one short text per column, under the last row."""

    def __init__(self, grids: Sequence[NumberGrid], names: Sequence[str], frame_color: str,
                 column_names: Sequence[str] = ()):
        super().__init__()
        self.grids = list(grids)
        self.front = 0
        self.rows = VGroup(*self.grids).arrange(DOWN, buff=ROW_GAP, aligned_edge=LEFT)
        self.names = VGroup(*(caption_text(name, MIN_FONT_SIZE, "#BDBDBD").next_to(grid, LEFT, buff=NAME_GAP)
                              for name, grid in zip(names, self.grids)))
        self.frame_color = frame_color
        self.frame = frame_around(self.grids[0], frame_color, buff=0.04, thickness=0.035)
        self.column_names = VGroup()
        if column_names:
            last = self.grids[-1]
            for j, word in enumerate(column_names):
                label = caption_text(word, MIN_FONT_SIZE, "#BDBDBD")
                if label.get_height() < MIN_LETTER_HEIGHT * 1.02:  # a word without tall letters ('on') grows
                    label.scale(MIN_LETTER_HEIGHT * 1.02 / label.get_height())
                if label.get_width() > 0.98 * last.cell_size:  # a long word turns to run down its column
                    label.rotate(-1.5707963267948966)
                label.next_to(last.cell(0, j), DOWN, buff=0.1)
                self.column_names.add(label)
        self.add(self.rows, self.names, self.column_names, self.frame)

    def front_grid(self) -> NumberGrid:
        """The row being read."""
        return self.grids[self.front]

    def swap_front(self, scene, channel: int):
        """The animations that move the frame onto row ``channel``, and the function to call after playing them."""
        target = frame_around(self.grids[channel], self.frame_color, buff=0.04, thickness=0.035)

        def finish() -> None:
            self.front = channel

        return [Transform(self.frame, target)], finish


__all__ = ["ChannelRows", "ROW_GAP", "NAME_GAP"]
