"""A matrix whose entries arrive one by one (im2col's and col2im's matrices), numbered or shaded by value."""
from __future__ import annotations

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import VGroup

from convanim.manim.mobjects.cells import MIN_FONT_SIZE, FlyInto, NumberGrid, frame_around, shade_of


class MatrixGrid(NumberGrid):
    """A matrix whose entries appear one by one: ``fill_entry`` sets a value, ``filled`` says which are shown.

    Where its numbers would be drawn below the minimum size (``numbered=False``), a filled cell is shaded by its
    value within ``values``' range (darker for smaller) and the captions write the numbers of the step in focus.
    """

    def __init__(self, shape: tuple[int, int], cell_size: float, color: str, decimals: int, font_size: float,
                 values: np.ndarray | None = None):
        numbered = font_size >= MIN_FONT_SIZE or values is None
        super().__init__(np.zeros(shape, dtype=np.int64), cell_size, color, decimals, font_size=font_size,
                         fill_opacity=0.25, show_numbers=numbered)
        for square in self.squares:  # empty: the colour of the matrix, faint, until an entry arrives
            square.set_fill(color, opacity=0.25)
        self.range = (0.0, 0.0) if values is None else (float(np.min(values)), float(np.max(values)))
        self.filled = np.zeros(shape, dtype=bool)
        self.values = np.full(shape, np.nan)
        for number in self.numbers:
            number.set_opacity(0)

    def entry_fill(self, i: int, j: int, value: object, color: str) -> str:
        return color if self.show_numbers else shade_of(value, *self.range, color)

    def fill_entry(self, i: int, j: int, value: object, source, color: str) -> list:
        """Entry (i, j) takes ``value``; returns the animations: ``source`` flies in, the cell turns ``color``
        (shaded by value in a matrix without numbers)."""
        self.filled[i, j] = True
        self.values[i, j] = float(value)
        fill = self.cell(i, j).animate.set_fill(self.entry_fill(i, j, value, color), opacity=1)
        if not self.show_numbers:
            flights, _ = self.receive([source.copy()], [(i, j)], {})
            return [*flights, fill]
        self.set_number(i, j, value)
        return [FlyInto(source, self.number(i, j)), fill]

    def set_entry(self, i: int, j: int, value: object, color: str) -> None:
        """Entry (i, j) shows ``value`` now (no animation)."""
        self.filled[i, j] = True
        self.values[i, j] = float(value)
        self.cell(i, j).set_fill(self.entry_fill(i, j, value, color), opacity=1)
        if self.show_numbers:
            self.set_number(i, j, value)
            self.number(i, j).set_opacity(1)

    def show_entry(self, i: int, j: int, value: object, color: str) -> list:
        """Entry (i, j) appears in place with ``value`` (no source flies in)."""
        self.filled[i, j] = True
        self.values[i, j] = float(value)
        appear = [self.cell(i, j).animate.set_fill(self.entry_fill(i, j, value, color), opacity=1)]
        if self.show_numbers:
            self.set_number(i, j, value)
            appear.append(self.number(i, j).animate.set_opacity(1))
        return appear

    def shown_matrix(self) -> np.ndarray:
        """The drawn values, NaN where no entry is shown yet (a matrix without numbers: the values its shades
        stand for)."""
        shown = self.shown_values() if self.show_numbers else self.values
        return np.where(self.filled, shown, np.nan)

    def row_frame(self, i: int, color: str):
        return frame_around(VGroup(*(self.cell(i, j) for j in range(self.shape[1]))), color, buff=0.03,
                            thickness=0.04)

    def column_frame(self, j: int, color: str):
        return frame_around(VGroup(*(self.cell(i, j) for i in range(self.shape[0]))), color, buff=0.03,
                            thickness=0.04)
