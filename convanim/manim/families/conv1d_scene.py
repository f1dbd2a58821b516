"""Conv1dLayerScene: a 1-D conv layer (``nn.Conv1d``), step by step: a signal of C channels over time.

The story is Conv3x3's (:class:`~convanim.manim.families.conv_scene.ConvLayerScene`): each filter's outputs
start at its bias; for each input channel, the kernel slides along time, its weights become products over
the window, the products collapse into the channel's sum, and the sum goes into the output cell.  What
differs is the picture: every channel is a row of cells over time, the rows one under the other with their
time steps in columns (:class:`~convanim.manim.mobjects.channel_rows.ChannelRows`), the row being read framed;
a filter is a C×K block of kernel rows; each filter's output is a row under the input, each output cell
under the middle of its window when the stride is 1.  Cells are written ``y[f,i]``.

Numbers come from :func:`convanim.trace_conv1d` (the 2-D trace of a signal one row high); the scene computes
nothing.  A variant is a small subclass::

    class Bigrams(Conv1dLayerScene):
        in_channels, length, kernel_size = 4, 6, 2
        column_names = ("the", "cat", "sat", "on", "the", "mat")
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import LEFT, RIGHT, VGroup

from convanim import flip_kernel as turned_kernel
from convanim import trace_conv1d
from convanim.arithmetic.trace import ConvTrace
from convanim.torch_code import TorchCode, conv_code

from convanim.manim.families.conv_scene import ConvLayerScene
from convanim.manim.mobjects.cells import (MIN_FONT_SIZE, NumberGrid, caption_text, fit_font_size, label_above,
                                           min_cell_for)
from convanim.manim.mobjects.channel_rows import NAME_GAP, ROW_GAP, ChannelRows
from convanim.manim.mobjects.numbers import format_shape, widest_text
from convanim.manim.mobjects.size_statements import settings_parts, size_formulas
from convanim.manim.options.option_kinds import FreeText, Maybe
from convanim.manim.options.options import Option
from convanim.manim.options.signal_options import SignalLayerOptions

#: Where the rows go (frame units; the frame is 14.2 × 8): the input rows' top, the output rows' bottom (above
#: the captions), and the most a cell may be.
ROWS_TOP, ROWS_BOTTOM, LARGEST_CELL = 2.75, -2.75, 0.8


@dataclass(frozen=True)
class RowsLayout:
    """Where a 1-D layer's parts go: ``beside`` (the filter panel at the left of the input and output rows, for
    short signals) or under the input rows (a band of its own, for signals as wide as the frame); the
    input cell's side, the rows' centre x and their widest, and the filter panel's height and centre y (None:
    under the input rows)."""

    beside: bool
    cell: float
    rows_x: float
    width: float
    panel_height: float
    panel_y: float | None

class Conv1dLayerScene(SignalLayerOptions, ConvLayerScene):
    """One ``nn.Conv1d`` layer on a signal of ``in_channels`` rows over ``length`` steps.

    Options: the layer's (``SignalLayerOptions``, in ``convanim.manim.options.signal_options``), ``column_names``
    (a word under each input column: a sentence's tokens), and the conv layer scene's story, pacing and
    ``show_code`` / ``flip_kernel``.
    """

    column_names: str | None = Option(None, Maybe(FreeText("words separated by spaces, one per position"),
                                                  "no names"),
                                      "a name under each input column (a sentence's words, one per position)")
    panel_x, kernel_cell, kernel_width = -4.2, 0.6, 3.2
    #: A filter's kernels are rows close together, named at their right, the bias chip at their left.
    PANEL_GAP, BIAS_SIDE = 0.12, LEFT
    #: A kernel row's height, in input rows, in the share of the height (kernel cells are a little larger).
    KERNEL_ROW = 1.4

    # -- values ------------------------------------------------------------------
    def get_trace(self) -> ConvTrace:
        """The layer's 1-D trace; with ``flip_kernel``, of the kernels reversed in time (``self.unturned_weight``
        keeps them as given, in the trace's one-row form)."""
        x, w, b = self.get_layer_arrays()
        self.check_column_names(x.shape[1])
        if self.flip_kernel:
            self.unturned_weight = w[:, :, None, :]
            w = turned_kernel(w[:, :, None, :])[:, :, 0]
        return trace_conv1d(x, w, b, stride=self.stride, padding=self.padding, dilation=self.dilation,
                            groups=self.groups, padding_mode=self.padding_mode)

    def words(self) -> list[str]:
        """``column_names`` as a list of words (none when not set)."""
        return self.column_names.split() if self.column_names else []

    def check_column_names(self, length: int) -> None:
        if self.column_names is not None and len(self.words()) != length:
            raise ValueError(f"{type(self).__name__}.column_names={self.column_names!r}: {len(self.words())} words "
                             f"for a signal of length {length}; write one word per position")

    # -- the bands -----------------------------------------------------------------
    #: The two layouts' room: the rows' centre x and widest (beside the panel, or the frame's width), the room
    #: the labels between the rows take (the output's name; with the panel between, the filter's name too).
    BESIDE, BANDS = (2.15, 8.6, 0.9), (0.0, 11.6, 1.25)

    def rows_layout(self) -> RowsLayout:
        """The layout whose input cells are the larger (the panel beside the rows when both are as large)."""
        if getattr(self, "_layout", None) is None:
            self._layout = max((self.layout_for(True), self.layout_for(False)), key=lambda layout: layout.cell)
        return self._layout

    def layout_for(self, beside: bool) -> RowsLayout:
        """The layout with the panel ``beside`` the rows or in a band under the input: the input's cell is the
        largest that lets the rows share the frame's height (output rows as tall as :meth:`output_cell` makes
        them) and keeps them within their width."""
        t = self.trace
        c, cg, f = t.input.shape[0], t.channels_per_filter, t.num_filters
        rows_x, width, labels = self.BESIDE if beside else self.BANDS
        kernel_rows = 0 if beside else self.KERNEL_ROW * cg
        room = (ROWS_TOP - ROWS_BOTTOM - (c - 1 + f - 1) * ROW_GAP - labels - (0.5 if self.words() else 0)
                - (0 if beside else (cg - 1) * self.PANEL_GAP))
        row = min(LARGEST_CELL, room / (c + kernel_rows + f))
        out = self.output_cell(row, width)
        if out > row:  # the outputs' larger cells first, the rest share what is left
            row = min(row, (room - f * out) / (c + kernel_rows))
        cell = min(row, width / t.padded.shape[2])
        if beside:
            return RowsLayout(True, cell, rows_x, width, ROWS_TOP - ROWS_BOTTOM, 0.0)
        return RowsLayout(False, cell, rows_x, width, cg * row * self.KERNEL_ROW + (cg - 1) * self.PANEL_GAP, None)

    def output_cell(self, row: float, width: float) -> float:
        """An output cell's side: the input's, or larger where the outputs' widest number needs it (as wide as
        ``width`` allows)."""
        t = self.trace
        need = min_cell_for(widest_text(t.running, self.num_decimals))
        return min(max(row, need), width / t.geometry.out[1], LARGEST_CELL)

    def panel_height(self) -> float:
        """Beside the rows, the frame's height; else the band under the input: one filter's kernel rows."""
        return self.rows_layout().panel_height

    def panel_y(self) -> float:
        """Beside the rows, the middle; else under the input rows, room for the filter's name between."""
        layout = self.rows_layout()
        if layout.panel_y is not None:
            return layout.panel_y
        return float(self.input_stack.get_bottom()[1]) - 0.55 - self.panel_height() / 2

    # -- building ----------------------------------------------------------------
    def build_input_stack(self) -> None:
        """The channels as rows over time (``input_stack``, as the 2-D scene names its stack)."""
        t, pal = self.trace, self.palette
        c, _, wp = t.padded.shape
        layout = self.rows_layout()
        cell = self.input_cell = layout.cell
        numbered = wp <= self.max_numbered_cells and fit_font_size(
            cell, widest_text(t.padded, self.input_decimals)) >= MIN_FONT_SIZE
        mask = self.input_mask()
        font = None
        grids = []
        for ch in range(c):
            grid = NumberGrid(t.padded[ch], cell, pal.input, self.input_decimals, mask, pal.padding, font,
                              show_numbers=numbered)
            font = grid.font_size
            grids.append(grid)
        left_pad = t.geometry.pads[2]
        words = [""] * left_pad + self.words() + [""] * t.geometry.pads[3] if self.words() else []
        self.input_stack = ChannelRows(grids, [self.tr("ch {channel}", channel=ch) for ch in range(c)], pal.kernel,
                                       words)
        self.input_stack.shift([layout.rows_x - self.input_stack.rows.get_center()[0],
                                ROWS_TOP - self.input_stack.rows.get_top()[1], 0])
        self.input_label = label_above(self.input_stack,
                                       self.tr("input  {shape}", shape=format_shape(self.shown_input_shape())))

    def build_output_grids(self) -> None:
        """Each filter's output as a row at the bottom; with stride 1, each cell under its window's middle."""
        t, pal = self.trace, self.palette
        f, ow = t.num_filters, t.geometry.out[1]
        widest = widest_text(t.running, self.num_decimals)
        layout = self.rows_layout()
        cell = max(self.input_cell, self.output_cell(self.input_cell, layout.width))
        numbered = ow <= self.max_numbered_cells and fit_font_size(cell, widest) >= MIN_FONT_SIZE
        font = fit_font_size(cell, widest)
        self.output_grids = []
        for k in range(f):
            grid = NumberGrid(t.running[k, :, :, 0], cell, pal.padding, self.num_decimals, font_size=font,
                              show_numbers=numbered)
            grid.numbers.set_opacity(0)  # empty until its filter's bias goes in (show_filter)
            self.output_grids.append(self.on_top(grid))
        block = VGroup(*self.output_grids).arrange(np.array([0.0, -1.0, 0.0]), buff=ROW_GAP, aligned_edge=LEFT)
        first_input = self.input_stack.grids[0]
        if t.geometry.stride[1] == 1 and cell == self.input_cell:  # output i under the middle of window i
            middle = t.geometry.dilation[1] * (t.geometry.kernel[1] - 1) / 2
            left = first_input.cell(0, 0).get_center()[0] + middle * cell - cell / 2
        else:
            left = first_input.get_center()[0] - block.get_width() / 2
        block.shift([left - block.get_left()[0], ROWS_BOTTOM - block.get_bottom()[1], 0])
        self.output_labels = VGroup(*(caption_text(f"y[{k}]", MIN_FONT_SIZE, "#BDBDBD").next_to(
            g, LEFT, buff=NAME_GAP) for k, g in enumerate(self.output_grids)))
        if block.get_right()[0] > layout.rows_x + layout.width / 2:  # an output row wider than the input's
            VGroup(block, self.output_labels).shift((layout.rows_x + layout.width / 2 - block.get_right()[0]) * RIGHT)
        self.output_label = label_above(block,
                                        self.tr("output  {shape}", shape=format_shape(self.shown_output_shape())))

    # -- shapes and words ------------------------------------------------------------
    def shown_input_shape(self) -> tuple[int, ...]:
        return (self.trace.input.shape[0], self.trace.input.shape[2])

    def shown_kernel_shape(self) -> tuple[int, ...]:
        return (self.trace.channels_per_filter, self.trace.geometry.kernel[1])

    def shown_output_shape(self) -> tuple[int, ...]:
        return (self.trace.num_filters, self.trace.geometry.out[1])

    def layer_settings(self) -> str:
        return "   ".join(settings_parts(self.tr, self.trace.geometry, axes=(1,)))

    def size_formulas(self) -> list[str]:
        return size_formulas(self.tr, self.lookup, self.trace.geometry, axes=(1,))

    def channel_label(self, channel: int):
        """The framed row is the channel being read: no label under the rows (an empty group to fade in)."""
        return VGroup()

    def torch_code(self) -> TorchCode:
        """``nn.Conv1d`` with the layer's options, the weights and biases shown, and the signal shown."""
        t = self.trace
        return conv_code(t.input[:, 0], t.weight[:, :, 0], t.bias if t.has_bias else None, self.stride, self.padding,
                         self.dilation, self.groups, self.padding_mode)

    def narrator(self, language: str):
        """The spoken story of this layer in ``language`` (see :mod:`convanim.narration.conv_layer`)."""
        from convanim.narration.conv_layer import Conv1dNarrator

        return Conv1dNarrator(self.trace, self.decimals, language, flipped=self.flip_kernel)
