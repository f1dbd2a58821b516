"""Marks for the padded-input cells no window visits, and the caption that names them."""
from __future__ import annotations

from manimlib import VGroup

from convanim.manim.mobjects.cells import NumberGrid, caption_text, ring


def unvisited_marks(grid: NumberGrid, cells: list[tuple[int, int]], color: str) -> VGroup:
    """A ring on each cell of ``grid`` listed in ``cells`` (padded coordinates)."""
    size = grid.cell_size
    return VGroup(*(ring(size * 0.94, size * 0.94, 0.08 * size, color).move_to(grid.cell(i, j)) for i, j in cells))


def unvisited_description(cells: list[tuple[int, int]], shape: tuple[int, int], tr, trn) -> str:
    """``never visited: rows 5, 6 and column 6 (padded coordinates)``: whole rows and columns by number.

    ``tr``, ``trn``: the scene's translators (LanguageOption)."""
    chosen = set(cells)
    rows = sorted({i for i, _ in chosen if all((i, c) in chosen for c in range(shape[1]))})
    cols = sorted({j for _, j in chosen if all((r, j) in chosen for r in range(shape[0]))})
    what = []
    if rows:
        what.append(trn("row {rows}", "rows {rows}", len(rows), rows=", ".join(map(str, rows))))
    if cols:
        what.append(trn("column {columns}", "columns {columns}", len(cols), columns=", ".join(map(str, cols))))
    if len(what) == 2:
        where = tr("{rows} and {columns}", rows=what[0], columns=what[1])
    else:
        where = what[0] if what else trn("{n} cell", "{n} cells", len(cells))
    return tr("never visited: {where} (padded coordinates)", where=where)


def unvisited_label(cells: list[tuple[int, int]], shape: tuple[int, int], color: str, scene):
    """The caption for :func:`unvisited_marks`, in ``scene``'s language."""
    return caption_text(unvisited_description(cells, shape, scene.tr, scene.trn), 24, color)
