"""ConvLayerScene: a multi-channel conv layer, step by step, every number from a ConvTrace.

The story (``construct``): show the layer and its parameter count; for each
filter, for each input channel (brought to the front of the stack), for each
output cell: slide the kernel onto the window, turn the weights into products
over the input cells, collapse the products into the channel sum, and add it
into the output cell, which started at the bias.  The first
``detailed_steps`` steps are shown in full; the rest sweep quickly.

Every option is a class attribute; a lecture variant is a small subclass::

    class TwoChannels(ConvLayerScene):
        in_channels, input_size, out_channels = 2, (5, 5), 2
        stride, padding = 2, 1

Override :meth:`get_layer_arrays` to supply your own arrays.
"""
from __future__ import annotations

import itertools

import numpy as np
from convanim.manim.options.common_options import (detailed_option, max_numbered_cells_option, show_code_option,
                                                   sweep_captions_option, sweep_time_option)
from convanim.torch_code import TorchCode
from convanim.manim.options.option_kinds import Number, Flag, Choice
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import (DOWN, FRAME_X_RADIUS, FRAME_Y_RADIUS, LEFT, RIGHT, UP, ReplacementTransform, Transform,
                      TransformFromCopy, VGroup, Write)
from manimlib.animation.numbers import ChangeDecimalToValue

from convanim import flip_kernel as turned_kernel
from convanim import param_count, trace_conv2d
from convanim.arithmetic.padding import padding_mask
from convanim.statements import (Statement, channel_sum_statement, decimals_for, format_number, output_label,
                                 running_statement)
from convanim.arithmetic.trace import ConvStep, ConvTrace

from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import (MIN_FONT_SIZE, BiasChip, ChannelStack, FlyInto, KernelOverlay, NumberGrid,
                                           WindowLens, caption_text, fit_font_size, frame_around, label_above,
                                           min_cell_for)
from convanim.manim.animations.fades import FadeIn, FadeOut
from convanim.manim.animations.shift import shift_animation
from convanim.manim.mobjects.free_space import box_of, drawn_boxes, free_spot
from convanim.manim.animations.shade_sweep import ShadeSweep, SweepStep
from convanim.manim.mobjects.size_statements import settings_parts, size_formulas
from convanim.manim.options.layer_options import LayerOptions
from convanim.manim.mobjects.numbers import format_shape, make_number, set_number, warn_non_finite, widest_text


class ConvLayerScene(LayerOptions, FamilyScene):
    """Base scene for one conv layer.  Options (class attributes):

    Layer and values: see :class:`LayerOptions` (``in_channels``,
    ``input_size``, ``out_channels``, ``kernel_size``, ``stride``, ``padding``,
    ..., ``seed``, ``input_values``, ...).
    Look: ``palette``; the layout (``input_x``, ``panel_x``, ``kernel_cell``, ``kernel_width``,
    ``output_x``, ``output_width``: room for larger numbers); ``max_numbered_cells`` (a bigger grid shades its
    cells by value instead of drawing numbers, which would be unreadable;
    the caption and the products still show the numbers).  Story: ``order``
    ('channel': each channel over every cell, as the reference video;
    'cell': the first output cell's whole story, every channel from the
    bias to the output, before the rest).  Pacing: ``detailed_steps`` (steps shown in full
    detail before the rest sweep), ``stage_time`` (each detailed stage),
    ``sweep_time`` (each quick step), ``pause_time``.  Run times that are
    whole numbers of frames (multiples of 1/30 s) keep the video exactly as
    long as the scene's clock.  A sweep of more than ``sweep_captions`` quick
    steps has one caption for all of it (a new statement every 1/15 s could not
    be read); over output grids without numbers its steps are played a row at a
    time (``sweep_in_rows``: one animation per row, the same frames as one per
    step, much quicker to render).
    """

    max_numbered_cells: int = max_numbered_cells_option(256)
    #: As a slide deck (convanim.manim.lecture.slides): a new slide before each of these steps, and before each sweep.
    slide_cuts: tuple[str, ...] = ("show_filter", "bring_channel_forward", "compute_step_in_detail", "conclude",
                                   "show_code_card")
    slide_runs: tuple[str, ...] = ("sweep_step", "sweep_row")
    show_code: bool = show_code_option()
    flip_kernel: bool = Option(False, Flag(), "true convolution: each kernel turns by 180° before it slides (one "
                                              "channel: scipy.signal.convolve2d's numbers)")
    #: Where things go (scene units; the frame is 14.2 × 8): the input's centre x, the filter panel's centre x
    #: and its largest kernel cell and kernel width, the output column's centre x and width.
    input_x: float = Option(-4.1, Number(-7, 7), "the input's centre x (frame units; the frame is 14.2 wide)")
    panel_x: float = Option(0.0, Number(-7, 7), "the filter panel's centre x")
    kernel_cell: float = Option(0.42, Number(above=0, high=2), "the side of the filter panel's largest kernel cell")
    kernel_width: float = Option(1.6, Number(above=0, high=14), "the filter panel's kernel width")
    output_x: float = Option(4.9, Number(-7, 7), "the output column's centre x")
    output_width: float = Option(2.8, Number(above=0, high=14), "the output column's width")
    order: str = Option("channel", Choice("channel", "cell"),
                        "'channel': each channel over every cell; 'cell': the first output cell's whole story first")
    detailed_steps: int = detailed_option(4, "steps")
    sweep_time: float = sweep_time_option(1 / 3)
    sweep_captions: int = sweep_captions_option(64)
    sweep_in_rows: bool = Option(True, Flag(), "play a sweep over grids without numbers a row at a time (the same "
                                                "frames, a quicker render)")
    CAPTION_SIZE = LONG_CAPTION_SIZE = 28

    # -- drawing -----------------------------------------------------------------
    def hold_caption(self, mob):
        return self.on_top(mob)

    def on_top(self, mob):
        """Put ``mob`` in the moving layer (drawn in a batch of its own) when the scene is large.

        A batch whose content changes is rebuilt every frame in Python; with
        hundreds of static cells it pays to keep them in a batch of their
        own, at the price of one more fill pass per frame.
        """
        if self.layered:
            mob.set_z_index(1)
        return mob

    # -- values ----------------------------------------------------------------
    def get_trace(self) -> ConvTrace:
        """The layer's trace; with ``flip_kernel``, of the kernels turned by 180° (``self.unturned_weight`` keeps
        them as given)."""
        x, w, b = self.get_layer_arrays()
        if self.flip_kernel:
            self.unturned_weight, w = w, turned_kernel(w)
        return trace_conv2d(x, w, b, stride=self.stride, padding=self.padding, dilation=self.dilation,
                            groups=self.groups, padding_mode=self.padding_mode)

    # -- building ----------------------------------------------------------------
    def setup(self) -> None:
        # The options and the core are checked here, before any frame is written.
        self.trace = self.get_trace()
        self.steps = list(self.trace.steps(self.order))
        t = self.trace
        warn_non_finite(type(self).__name__, input_values=t.input, weight_values=t.layer.weight,
                        bias_values=t.layer.bias)
        # Each array is written with decimals only if it holds floats (an integer input stays "7").
        self.num_decimals = decimals_for(t.padded, self.decimals)
        self.input_decimals = decimals_for(t.input, self.decimals)
        self.weight_decimals = decimals_for(t.layer.weight, self.decimals)
        self.bias_decimals = decimals_for(t.layer.bias if t.has_bias else t.input, self.decimals)
        self.layered = t.padded[0].size + t.output[0].size > self.max_numbered_cells
        super().setup()  # the background and the caption (on top when layered)
        self.build_input_stack()
        self.build_output_grids()
        self.build_filter_panel(0)
        self.overlay: KernelOverlay | None = None
        self.output_frame = None
        self.kernel_frame = None
        self.cell_marker = None
        self.products = VGroup()
        self.lens: WindowLens | None = None
        self.lens_covers: list = []  # the input numbers under the lens, hidden while it is open
        self.sum_number = None
        self.steps_shown = 0

    def build_input_stack(self) -> None:
        t, pal = self.trace, self.palette
        c, hp, wp = t.padded.shape
        offset = 0.28
        cell = min(0.85, (4.6 - (c - 1) * offset) / wp, (5.2 - (c - 1) * offset) / hp)
        self.input_cell = cell
        mask = self.input_mask()
        font = None
        grids = []
        # numbers only where they are readable: not too many cells, and at least MIN_FONT_SIZE in these cells
        # (else the cells are shaded by value; the products and captions still write the numbers)
        numbered = hp * wp <= self.max_numbered_cells and fit_font_size(
            cell, widest_text(t.padded, self.input_decimals)) >= MIN_FONT_SIZE
        for ch in range(c):
            grid = NumberGrid(t.padded[ch], cell, pal.input, self.input_decimals, mask, pal.padding, font,
                              show_numbers=numbered)
            font = grid.font_size  # one font size for every channel
            grids.append(grid)
        self.input_stack = ChannelStack(grids, np.array([offset, offset, 0]), pal.input)
        self.input_stack.move_to(np.array([self.input_x, -0.15, 0]))
        self.input_label = label_above(self.input_stack,
                                       self.tr("input  {shape}", shape=format_shape(self.shown_input_shape())))

    def input_mask(self) -> np.ndarray:
        """(Hp, Wp) True on cells drawn as padding (not part of the input)."""
        return padding_mask(self.trace.geometry.input, self.trace.geometry.pads)

    #: The output maps' room (frame units): the block's height and the gap between maps, as the reference
    #: video lays them out; when their numbers would be drawn below the minimum size, a compact room (maps
    #: closer, the block as tall as title and caption allow and as wide as the frame's right edge).
    OUTPUT_ROOMS = ((5.6, 0.55, False), (6.0, 0.3, True))
    LABEL_GAP = 0.15

    def output_layout(self, label_width: float, widest: str) -> tuple[int, float, float, bool]:
        """(columns, cell side, gap, numbered) of the output maps: the first room whose largest cells draw the
        numbers at least MIN_FONT_SIZE, in as many columns as make the cells largest (six 2×2 maps of a
        depthwise layer fill two columns); when none does, the largest cells, shaded by value without numbers
        (as a grid of more than ``max_numbered_cells`` is: the caption and the products still show them)."""
        f = self.trace.num_filters
        oh, ow = self.trace.geometry.out
        layouts = []
        for height, gap, wide in self.OUTPUT_ROOMS:
            left = self.output_x - self.output_width / 2
            width = (FRAME_X_RADIUS - 0.2 - left) if wide else self.output_width
            best = (0.0, 1)
            for columns in range(1, f + 1):
                rows = -(-f // columns)
                by_height = (height - (rows - 1) * gap) / (rows * oh)
                by_width = (width - (columns - 1) * (label_width + self.LABEL_GAP + gap)) / (columns * ow)
                cell = min(0.8, by_height, by_width)
                if cell > best[0] + 1e-9:
                    best = (cell, columns)
            numbered = oh * ow <= self.max_numbered_cells and fit_font_size(best[0], widest) >= MIN_FONT_SIZE
            layouts.append((best[1], best[0], gap, numbered))
            if numbered:
                return layouts[-1]
        columns, cell, gap, _ = max(layouts, key=lambda layout: layout[1])
        return columns, cell, gap, False

    def build_output_grids(self) -> None:
        t, pal = self.trace, self.palette
        f = t.num_filters
        oh, ow = t.geometry.out
        labels = [caption_text(f"y[{k}]", 22, "#BDBDBD") for k in range(f)]
        label_width = max(label.get_width() for label in labels)
        widest = widest_text(t.running, self.num_decimals)
        columns, cell, gap, numbered = self.output_layout(label_width, widest)
        font = fit_font_size(cell, widest)
        self.output_grids = []
        for k in range(f):
            grid = NumberGrid(t.running[k, :, :, 0], cell, pal.padding, self.num_decimals,
                              font_size=font, show_numbers=numbered)
            grid.numbers.set_opacity(0)  # empty until its filter's bias goes in (show_filter)
            self.output_grids.append(self.on_top(grid))
        block = VGroup(*self.output_grids).arrange_in_grid(-(-f // columns), columns, v_buff=gap,
                                                           h_buff=label_width + self.LABEL_GAP + gap)
        block.move_to(np.array([self.output_x, -0.15, 0]))
        if block.get_right()[0] > FRAME_X_RADIUS - 0.2:  # a wide block keeps to the frame
            block.shift((FRAME_X_RADIUS - 0.2 - block.get_right()[0]) * RIGHT)
        self.output_labels = VGroup(*(label.next_to(g, LEFT, buff=self.LABEL_GAP)
                                      for label, g in zip(labels, self.output_grids)))
        self.output_label = label_above(block, self.tr("output  {shape}", shape=format_shape(self.shown_output_shape())))

    def build_filter_panel(self, f: int) -> None:
        """The kernels of filter ``f`` (one per input channel, each labelled with the channel it reads)
        and its bias chip.  Kernels whose numbers would be drawn below the minimum size as a column are
        shown as a stack with the current channel's kernel in front (the fallback of a full panel)."""
        t, pal = self.trace, self.palette
        cg, kh, kw = t.weight.shape[1:]
        gap = self.PANEL_GAP
        cell = min(self.kernel_cell, (self.panel_height() - (cg - 1) * gap) / (cg * kh), self.kernel_width / kw)
        need = min_cell_for(widest_text(t.weight[f], self.weight_decimals))
        self.panel_stacked = cell < need and cg > 1
        if self.panel_stacked:
            cell = min(max(need, cell), 3.6 / kh, 2.0 / kw)
        channels = t.group_of(f) * cg + np.arange(cg)
        kernels = [NumberGrid(t.weight[f, c], cell, pal.kernel, self.weight_decimals) for c in range(cg)]
        if self.panel_stacked:
            self.kernels = ChannelStack(kernels, np.array([0.18, 0.18, 0]), pal.kernel)
            self.kernels.move_to(np.array([self.panel_x, self.panel_y(), 0]))
            self.kernel_labels = VGroup()
        else:
            self.kernels = VGroup(*kernels).arrange(DOWN, buff=gap).move_to(np.array([self.panel_x, self.panel_y(), 0]))
            self.kernel_labels = VGroup(*(caption_text(self.tr("ch {channel}", channel=ch), MIN_FONT_SIZE, "#BDBDBD").next_to(k, RIGHT, buff=0.12)
                                          for k, ch in zip(kernels, channels)))
        self.kernel_grids = kernels
        self.bias_chip = BiasChip(t.bias[f], pal.bias, self.bias_decimals, font_size=24)
        self.bias_chip.next_to(self.kernels, self.BIAS_SIDE, buff=0.3)
        if not t.has_bias:
            self.bias_chip.set_opacity(0)
        reads = (self.tr(", reads channels {first}–{last}", first=channels[0], last=channels[-1])
                 if t.groups > 1 and cg > 1
                 else self.tr(", reads channel {channel}", channel=channels[0]) if t.groups > 1 else "")
        self.filter_label = label_above(self.kernels, self.tr("filter {f}  {shape}", f=f,
                                                              shape=format_shape(self.shown_kernel_shape())) + reads,
                                        font_size=max(MIN_FONT_SIZE, 24 if not reads else 20))

    #: The filter panel: the gap between kernels, and the side its bias chip is on.
    PANEL_GAP, BIAS_SIDE = 0.3, DOWN

    def panel_height(self) -> float:
        """The most the filter panel's kernels may take in height (frame units)."""
        return 4.4

    def panel_y(self) -> float:
        """The filter panel's centre y."""
        return 0.35

    # -- shapes as the titles write them -------------------------------------------
    def shown_input_shape(self) -> tuple[int, ...]:
        """(C, H, W) as the titles write the input (a 1-D layer: (C, L))."""
        return tuple(self.trace.input.shape)

    def shown_kernel_shape(self) -> tuple[int, ...]:
        """One filter's shape, (Cg, KH, KW), as the titles write it."""
        return tuple(self.trace.weight.shape[1:])

    def shown_output_shape(self) -> tuple[int, ...]:
        """(F, OH, OW) as the titles write the output."""
        return (self.trace.num_filters, *self.trace.geometry.out)

    # -- the story ---------------------------------------------------------------
    def construct(self) -> None:
        self.introduce_layer()
        shown_filter, front = None, None
        for run in self.runs_of_steps():
            step = run[0]
            if step.filter != shown_filter:
                self.show_filter(step.filter)
                shown_filter, front = step.filter, None
            if step.channel != front:
                self.bring_channel_forward(step.filter, step.channel)
                front = step.channel
            if len(run) > 1:
                self.sweep_row(run)
                continue
            if self.steps_shown < self.detailed_steps:
                self.compute_step_in_detail(step)
            else:
                self.sweep_step(step)
            self.step_done(step)
        self.conclude()
        if self.shows_code():
            self.show_code_card()

    def runs_of_steps(self) -> list[list[ConvStep]]:
        """The steps in the order they are shown, in runs played together: one step each, except the quick
        steps of a long sweep over a grid without numbers (``sweep_in_rows``), a run per output row (one
        filter, one channel)."""
        def run_key(numbered: tuple[int, ConvStep]):
            i, step = numbered
            in_rows = (self.sweep_in_rows and i >= self.detailed_steps and self.long_sweep
                       and not self.output_grids[step.filter].show_numbers)
            return (step.filter, step.channel, step.oy) if in_rows else i
        return [[step for _, step in run] for _, run in itertools.groupby(enumerate(self.steps), key=run_key)]

    @property
    def long_sweep(self) -> bool:
        """More quick steps than ``sweep_captions``: the sweep has one caption for all of it."""
        return len(self.steps) - self.detailed_steps > self.sweep_captions

    def step_done(self, step: ConvStep) -> None:
        self.steps_shown += 1
        self.after_stage("done", step)

    def introduce_layer(self) -> None:
        t = self.trace
        self.title = caption_text(self.title_text(), 28).to_edge(UP, buff=0.25)
        self.params = caption_text(self.params_text(), 24 if t.groups > 1 else 26, "#BDBDBD")
        self.params.next_to(self.title, DOWN, buff=0.12)
        # where the captions go, still empty while the layer is introduced
        self.size_notes = VGroup(*self.size_lines()).arrange(DOWN, buff=0.08).to_edge(DOWN, buff=0.3)
        self.play(FadeIn(self.input_stack), FadeIn(self.input_label), Write(self.title), run_time=self.stage_time)
        self.play(*(FadeIn(g) for g in self.output_grids), FadeIn(self.output_labels), FadeIn(self.output_label),
                  FadeIn(self.params), FadeIn(self.size_notes), run_time=self.stage_time)
        self.wait(self.pause_time)
        self.play(FadeOut(self.params), FadeOut(self.size_notes), run_time=self.stage_time / 2)

    def title_text(self) -> str:
        """``input (3, 5, 5)   *   2 filters (3, 3, 3) + bias   →   output (2, 5, 5)`` in the scene's language."""
        t = self.trace
        groups = f", groups={t.groups}" if t.groups > 1 else ""
        return (self.tr("input {shape}", shape=format_shape(self.shown_input_shape())) + "   *   "
                + self.trn("{n} filter {shape}", "{n} filters {shape}", t.num_filters,
                           shape=format_shape(self.shown_kernel_shape()))
                + (self.tr(" + bias") if t.has_bias else "") + groups + "   →   "
                + self.tr("output {shape}", shape=format_shape(self.shown_output_shape())))

    def params_text(self) -> str:
        """``parameters: 2·3·3·3 + 2 = 56`` (with groups, how many channels each filter reads)."""
        t = self.trace
        c = t.input.shape[0]
        f, cg, kh, kw = t.weight.shape
        params = param_count(c, f, (kh, kw), bias=t.has_bias, groups=t.groups)
        bias_part = f" + {f}" if t.has_bias else ""
        count = "·".join(map(str, (f, *self.shown_kernel_shape()))) + f"{bias_part} = {params}"
        if t.groups > 1:
            return self.tr("parameters: {count}; groups={groups}: each filter reads {per_filter} of the {channels} "
                           "input channels", count=count, groups=t.groups, per_filter=cg, channels=c)
        return self.tr("parameters: {count}", count=count)

    def size_lines(self) -> list:
        """At the bottom, with the parameter count while the layer is introduced: the stride, padding and
        dilation, and the output-size formula with the layer's numbers (why a 7×7 input becomes 4×4)."""
        return [caption_text(text, 22, "#BDBDBD") for text in [self.layer_settings(), *self.size_formulas()]]

    def layer_settings(self) -> str:
        """``stride 2   padding 1   dilation 1`` (a pair where the axes differ; padding as the formula's p)."""
        return "   ".join(settings_parts(self.tr, self.trace.geometry))

    def size_formulas(self) -> list[str]:
        """The output-size formula for each axis whose numbers differ (from the core)."""
        return size_formulas(self.tr, self.lookup, self.trace.geometry)

    def show_filter(self, f: int) -> None:
        """Filter ``f``'s kernels and bias appear; the bias goes into each of its output cells."""
        if self.kernel_frame is not None or self.overlay is not None:
            self.play(FadeOut(self.kernels), FadeOut(self.kernel_labels), FadeOut(self.bias_chip),
                      FadeOut(self.filter_label), *([FadeOut(self.kernel_frame)] if self.kernel_frame is not None else []),
                      *([FadeOut(self.overlay)] if self.overlay is not None else []), run_time=self.stage_time / 2)
            self.overlay = None
            self.kernel_frame = None
            self.build_filter_panel(f)
        grid = self.output_grids[f]
        frame = self.on_top(frame_around(grid, self.palette.text, buff=0.08, thickness=0.04))
        if self.output_frame is None:
            self.output_frame, move_frame = frame, FadeIn(frame)
        else:
            move_frame = Transform(self.output_frame, frame)
        homes = self.unturn_numbers() if self.flip_kernel else []
        self.play(FadeIn(self.kernels), FadeIn(self.kernel_labels), FadeIn(self.bias_chip),
                  FadeIn(self.filter_label), move_frame, run_time=self.stage_time)
        if self.flip_kernel:
            self.turn_kernels(homes)
        self.fill_with_bias(f)

    def unturn_numbers(self) -> list:
        """With ``flip_kernel``: each kernel number is put where it stood before the turn (the mirrored cell), so
        that the kernels first show as given; returns ``(number, its cell's centre)`` to turn them back."""
        homes = []
        for grid in self.kernel_grids:
            if not grid.show_numbers:
                continue
            kh, kw = grid.shape
            for i in range(kh):
                for j in range(kw):
                    number = grid.number(i, j)
                    homes.append((number, number.get_center().copy()))
                    number.move_to(grid.cell(kh - 1 - i, kw - 1 - j))
        return homes

    def turn_kernels(self, homes: list) -> None:
        """The kernels turn by 180°: each number moves to its mirrored cell, the kernel that slides."""
        self.play(*(number.animate.move_to(home) for number, home in homes),
                  self.caption_to(self.tr("convolution = correlation with the flipped kernel")),
                  run_time=2 * self.stage_time)
        self.wait(self.pause_time / 2)

    def fill_with_bias(self, f: int) -> None:
        """Each output cell of filter ``f`` starts at the bias: copies fly from the chip into the cells."""
        t, grid = self.trace, self.output_grids[f]
        oh, ow = t.geometry.out
        start = self.palette.ramp(0, t.channels_per_filter)
        cells = [(i, j) for i in range(oh) for j in range(ow)]
        text = (self.tr("every output of filter {f} starts at its bias b = {b}", f=f, b=self.bias_chip_text(f))
                if t.has_bias else self.tr("no bias: every output of filter {f} starts at 0", f=f))
        caption = self.caption_to(text, font_size=26)
        if grid.show_numbers:
            source = self.bias_chip.value if t.has_bias else None
            moves = [FlyInto(source, grid.number(i, j)) if source is not None else
                     grid.number(i, j).animate.set_opacity(1) for i, j in cells]
        else:
            moves = [FlyInto(self.bias_chip.value, grid.cell(*cells[len(cells) // 2]))] if t.has_bias else []
        # one Transform of the grid's squares (every cell turns to the start colour): a Transform per cell
        # moved the same fills, but began and interpolated hundreds of animations on a large grid
        self.play(*moves, grid.squares.animate.set_fill(start), caption, run_time=self.stage_time)
        if grid.show_numbers:
            grid.numbers.set_opacity(1)
        self.after_bias(f)

    def bias_chip_text(self, f: int) -> str:
        return format_number(self.trace.bias[f], self.bias_decimals)

    def bring_channel_forward(self, f: int, c: int) -> None:
        """Put this filter's input channel ``c`` in front and its kernel over the first window."""
        t = self.trace
        channel = t.group_of(f) * t.channels_per_filter + c
        stack = self.input_stack
        leaving = [FadeOut(self.overlay)] if self.overlay is not None else []
        swaps, finishers = [], []
        for layers, wanted in ((stack, channel), (self.kernels if self.panel_stacked else None, c)):
            if layers is not None and layers.front != wanted:
                animations, finish = layers.swap_front(self, wanted)
                swaps += animations
                finishers.append(finish)
        if swaps or leaving:
            if leaving:  # the kernel fades out over the swapping grids: added back after them (on top)
                self.remove(self.overlay)
            self.play(*swaps, *leaving, run_time=self.stage_time if swaps else self.stage_time / 2)
        for finish in finishers:
            finish()
        self.overlay = self.make_overlay(f, c)
        src = t.sources(f, 0, 0)
        self.overlay.shift(self.overlay.shift_onto(stack.front_grid(), src.rows[0], src.cols[0]))
        old_frame = self.kernel_frame
        self.kernel_frame = frame_around(self.kernel_grids[c], self.palette.product, buff=0.06, thickness=0.04)
        self.play(TransformFromCopy(self.kernel_grids[c], self.overlay), FadeIn(self.kernel_frame),
                  *([FadeOut(old_frame)] if old_frame is not None else []),
                  FadeIn(self.channel_label(channel)),
                  run_time=self.stage_time)

    def channel_label(self, channel: int):
        """"channel k" under the input stack (replaces the previous one)."""
        if getattr(self, "_channel_label", None) is not None:
            self.remove(self._channel_label)
        self._channel_label = caption_text(self.tr("channel {channel} in front", channel=channel), 22, "#BDBDBD")
        self._channel_label.next_to(self.input_stack, DOWN, buff=0.15)
        return self._channel_label

    def make_overlay(self, f: int, c: int) -> KernelOverlay:
        t = self.trace
        spacing = (self.input_cell * t.geometry.dilation[0], self.input_cell * t.geometry.dilation[1])
        clear = self.input_stack.front_grid().clearance(t.padded)  # the widest input number of any channel
        return self.on_top(KernelOverlay(t.weight[f, c], self.input_cell, spacing, self.palette.kernel,
                                         self.weight_decimals, clear))

    # -- one step --------------------------------------------------------------------
    def mark_output_cell(self, step: ConvStep):
        """Animation moving the marker to the output cell this step writes."""
        marker = self.output_marker(self.output_grids[step.filter].cell(step.oy, step.ox))
        if self.cell_marker is None:
            self.cell_marker = marker
            return FadeIn(marker)
        return shift_animation(self, self.cell_marker, marker.get_center() - self.cell_marker.get_center())

    def output_marker(self, cell):
        """The ring that marks the output cell a step writes."""
        return self.on_top(frame_around(cell, self.palette.product, buff=0.0, thickness=0.05))

    def compute_step_in_detail(self, step: ConvStep) -> None:
        self.lens = self.window_lens(step)
        self.slide_kernel(step, self.stage_time, self.mark_output_cell(step),
                          self.caption_to(self.window_caption(step)), *self.opening(self.lens))
        self.after_stage("kernel", step)
        self.show_products(step)
        self.after_stage("products", step)
        self.collapse_products(step)
        self.after_stage("sum", step)
        self.add_into_output(step)

    def window_caption(self, step: ConvStep) -> str:
        """What the kernel is about to compute (shown as it arrives on the window)."""
        cell = output_label(step.filter, step.oy, step.ox, trace=self.trace)
        return self.tr("{cell}: channel {channel}'s window × kernel {kernel}", cell=cell, channel=step.input_channel,
                       kernel=f"w[{step.filter},{step.channel}]")

    def slide_kernel(self, step: ConvStep, run_time: float, *extra) -> None:
        grid = self.input_stack.front_grid()
        shift = self.overlay.shift_onto(grid, step.sources.rows[0], step.sources.cols[0])
        if np.allclose(shift, 0) and not extra:
            return
        self.play(shift_animation(self, self.overlay, shift), *extra, run_time=run_time)

    def widest_product(self) -> str:
        products = self.trace.products
        return widest_text([np.min(products), np.max(products)], self.num_decimals) if products.size else "8"

    def product_font_size(self, grid: NumberGrid) -> float:
        """The products' font over ``grid``'s cells: a little smaller than its numbers, and small enough for the
        widest product to stay inside a cell (never below MIN_FONT_SIZE)."""
        return max(min(0.85 * grid.font_size, fit_font_size(grid.cell_size, self.widest_product(), share=0.9)),
                   MIN_FONT_SIZE)

    def products_fit_in_place(self) -> bool:
        """True when the widest product fits in an input cell at a readable size."""
        return fit_font_size(self.input_cell, self.widest_product(), share=0.9) >= MIN_FONT_SIZE

    def window_lens(self, step: ConvStep) -> WindowLens | None:
        """Where the products go when they do not fit in the input's cells: the window drawn again, its cells
        large enough for the widest product, in the free place nearest to it (None when they fit in place)."""
        if self.products_fit_in_place():
            return None
        t = self.trace
        side = max(min_cell_for(self.widest_product(), share=0.9),
                   min_cell_for(widest_text(t.padded, self.input_decimals))) / 0.85
        lens = WindowLens(step.window, side, self.palette.input, self.input_decimals, self.palette.product)
        grid = self.input_stack.front_grid()
        rows, cols = step.sources.rows, step.sources.cols
        window = VGroup(grid.cell(rows[0], cols[0]), grid.cell(rows[-1], cols[-1]))
        labels = [m for m in (self.input_label, getattr(self, "_channel_label", None)) if m is not None]
        for may_cover in ([], labels):  # first beside everything; else over the input's labels too (hidden)
            avoid = [*drawn_boxes(self.mobjects, leave_out=[self.input_stack, self.caption, *self.overlays(),
                                                            *may_cover]),
                     box_of(window), self.caption_band()]
            place = free_spot((lens.get_width(), lens.get_height()), window.get_center(), avoid)
            if place is not None:
                break
        else:  # nowhere free
            return None
        self.on_top(lens.move_to(place))
        x0, y0, x1, y1 = box_of(lens)
        under = [*(grid.numbers if grid.show_numbers else []), *may_cover]
        self.lens_covers = [n for n in under if not (
            n.get_right()[0] <= x0 or x1 <= n.get_left()[0] or n.get_top()[1] <= y0 or y1 <= n.get_bottom()[1])]
        return lens

    def overlays(self) -> list:
        return [m for m in (self.overlay, self.kernel_frame) if m is not None]

    def caption_band(self) -> tuple[float, float, float, float]:
        """The strip at the bottom of the frame the captions take."""
        return -FRAME_X_RADIUS, -FRAME_Y_RADIUS, FRAME_X_RADIUS, float(self.caption.get_bottom()[1]) + 0.5

    def opening(self, lens: WindowLens | None) -> list:
        """The lens comes; the input numbers it lies over go while it is open (never two numbers in one place)."""
        if lens is None:
            return []
        return [FadeIn(lens), *(n.animate.set_opacity(0) for n in self.lens_covers)]

    def closing(self) -> list:
        """The lens goes, and the input numbers it lay over come back."""
        if self.lens is None:
            return []
        back, self.lens_covers = self.lens_covers, []
        return [FadeOut(self.lens), *(n.animate.set_opacity(1) for n in back)]

    def show_products(self, step: ConvStep) -> None:
        """Each weight becomes its product, drawn over the input cell it multiplies (or over the lens' cell,
        when the products are too wide for the input's cells)."""
        grid = self.input_stack.front_grid()
        kh, kw = step.products.shape
        if self.lens is not None:
            places = [self.lens.grid.cell(ky, kx) for ky in range(kh) for kx in range(kw)]
            font = self.product_font_size(self.lens.grid)
        else:
            places = [grid.cell(r, c) for r in step.sources.rows for c in step.sources.cols]
            font = self.product_font_size(grid)
        self.products = VGroup()
        for (ky, kx), place in zip(np.ndindex(kh, kw), places):
            num = make_number(step.products[ky, kx], self.num_decimals, font, self.palette.product)
            self.products.add(self.on_top(num.move_to(place)))
        # Animate the on-screen numbers one by one: animating a new VGroup of
        # them would make manimgl pull them out of their grid.
        self.window_numbers = ([grid.number(r, c) for r in step.sources.rows for c in step.sources.cols]
                               if grid.show_numbers else [])
        if self.lens is not None:
            self.window_numbers = list(self.lens.grid.numbers)
        sources = (self.overlay.weights if self.overlay.shows_weights else self.kernel_grids[step.channel].numbers)
        self.play(*(ReplacementTransform(sources[ky * kw + kx].copy(), self.products[ky * kw + kx])
                    for ky in range(kh) for kx in range(kw)),
                  *([self.overlay.weights.animate.set_opacity(0)] if self.overlay.shows_weights else []),
                  *(n.animate.set_opacity(0) for n in self.window_numbers), run_time=self.stage_time)

    def collapse_products(self, step: ConvStep) -> None:
        """The products merge into the channel's window sum.  The first time, the caption writes the
        products out as the sum a lecturer would write on the board."""
        out_cell = self.output_grids[step.filter].cell(step.oy, step.ox)
        self.sum_number = make_number(step.channel_sum, self.num_decimals,
                                      max(self.output_grids[0].font_size * 1.3, MIN_FONT_SIZE), self.palette.product)
        self.sum_label = caption_text(self.tr("Σ channel {channel}", channel=step.input_channel), 20, "#BDBDBD")
        self.sum_label.next_to(self.sum_number, UP, buff=0.1)
        self.place_sum(VGroup(self.sum_label, self.sum_number), out_cell)
        self.on_top(self.sum_number)
        self.on_top(self.sum_label)
        caption = []
        if self.steps_shown == 0 or self.single_term:
            caption = [self.caption_to(self.products_statement(step))]
        # The products fly onto the sum's place and fade as the sum appears there (a Transform of nine numbers
        # into one would leave shrunken glyph pieces on screen at the end of the play).
        self.play(*(p.animate.move_to(self.sum_number).set_opacity(0) for p in self.products),
                  FadeIn(self.sum_number), FadeIn(self.sum_label),
                  *(n.animate.set_opacity(1) for n in self.window_numbers),
                  *([self.overlay.weights.animate.set_opacity(1)] if self.overlay.shows_weights else []),
                  *caption, run_time=self.stage_time)
        self.remove(*self.products)
        self.products = VGroup()

    #: Where a channel's window sum waits before it goes into its output cell: this x, level with the cell.
    SUM_X = 2.55

    def place_sum(self, group: VGroup, out_cell) -> None:
        """Put the sum and its label at ``SUM_X``, level with the output cell, or, where that covers something
        (an output block grown to the left), in the free place nearest to it."""
        near = np.array([self.SUM_X, out_cell.get_center()[1], 0])
        group.move_to(near)
        avoid = [*drawn_boxes(self.mobjects, leave_out=[self.caption, *self.products]), self.caption_band()]
        place = free_spot((group.get_width(), group.get_height()), near, avoid, margin=0.05)
        if place is not None:
            group.move_to(place)

    @property
    def single_term(self) -> bool:
        """True when an output is one window sum (one channel, no bias): its statement is the products."""
        return self.trace.channels_per_filter == 1 and not self.trace.has_bias

    def add_into_output(self, step: ConvStep) -> None:
        """The sum flies into the output cell, which counts up to the new running sum."""
        grid = self.output_grids[step.filter]
        count_up = [ChangeDecimalToValue(grid.number(step.oy, step.ox), step.running_after)] if grid.show_numbers else []
        caption = [] if self.single_term else [self.caption_to(self.equation(step))]
        closing = self.closing()
        self.lens = None
        self.play(self.sum_number.animate.move_to(grid.cell(step.oy, step.ox)).set_opacity(0), *count_up,
                  FadeOut(self.sum_label), *caption, *closing,
                  grid.cell(step.oy, step.ox).animate.set_fill(self.palette.ramp(step.channel + 1, step.num_channels)),
                  run_time=self.stage_time)
        self.remove(self.sum_number)
        self.sum_number = None
        grid.set_number(step.oy, step.ox, step.running_after)  # exact value; glyphs and state agree
        self.after_stage("output", step)

    def sweep_step(self, step: ConvStep) -> None:
        """A quick step: slide, and the output cell takes its new running sum."""
        grid = self.output_grids[step.filter]
        change = []
        if grid.show_numbers:
            target = set_number(grid.number(step.oy, step.ox).copy(), step.running_after)
            change = [Transform(grid.number(step.oy, step.ox), target)]
        self.slide_kernel(step, self.sweep_time, self.mark_output_cell(step), *change,
                          grid.cell(step.oy, step.ox).animate.set_fill(
                              self.palette.ramp(step.channel + 1, step.num_channels)),
                          *self.sweep_caption(step))
        grid.set_number(step.oy, step.ox, step.running_after)
        self.after_stage("output", step)

    def sweep_row(self, steps: list[ConvStep]) -> None:
        """Quick steps of one output row (one filter, one channel, a grid without numbers) in one animation:
        what :meth:`sweep_step` shows for each, ``sweep_time`` each (see :mod:`convanim.manim.animations.shade_sweep`)."""
        grid, front = self.output_grids[steps[0].filter], self.input_stack.front_grid()
        if self.cell_marker is None:  # no step before this row marked its cell
            self.cell_marker = self.output_marker(grid.cell(steps[0].oy, steps[0].ox))
            self.add(self.cell_marker)
        offset = self.overlay.get_center() - self.overlay.tap(0, 0).get_center()  # tap (0, 0) onto the window
        sweep = [SweepStep([(grid.cell(step.oy, step.ox), self.palette.ramp(step.channel + 1, step.num_channels))],
                           [front.cell(step.sources.rows[0], step.sources.cols[0]).get_center() + offset,
                            grid.cell(step.oy, step.ox).get_center()])
                 for step in steps]
        self.play(ShadeSweep(sweep, VGroup(self.overlay, self.cell_marker), slide_rings=True),
                  *self.sweep_caption(steps[0]), run_time=self.sweep_time * len(steps))
        for step in steps:
            self.after_stage("output", step)
            self.step_done(step)

    def sweep_caption(self, step: ConvStep) -> list:
        """The caption of a quick step: its running sum; in a long sweep, one caption for all of it."""
        if not self.long_sweep:
            return [self.caption_to(self.equation(step))]
        quickly = self.tr("the other windows, quickly: each adds Σ window × kernel into its output cell")
        return [] if self.caption.text.replace("\n", " ") == quickly else [self.caption_to(quickly)]

    def equation(self, step: ConvStep) -> Statement:
        """The running sum after this step, from the trace (see :func:`convanim.statements.running_statement`)."""
        return running_statement(self.trace, step, self.decimals, self.lookup)

    def products_statement(self, step: ConvStep) -> Statement:
        """``Σ channel c = x·w + … = s`` (or, for a one-term output, ``y[…] = x·w + … = y``)."""
        if self.single_term:
            return self.equation(step)
        return channel_sum_statement(self.trace, step, self.decimals, self.lookup)

    def conclude(self) -> None:
        self.play(FadeOut(self.overlay), FadeOut(self.caption), FadeOut(self.cell_marker),
                  run_time=self.stage_time / 2)
        self.caption = caption_text(self.conclusion(), 26).to_edge(DOWN, buff=0.3)
        self.play(FadeIn(self.caption), run_time=self.stage_time)
        self.wait(self.pause_time)

    def conclusion(self) -> str:
        """The closing caption: what each output cell is the sum of."""
        t = self.trace
        parts = ([self.tr("bias")] if t.has_bias else []) + (
            [self.tr("one window sum per input channel")] if t.channels_per_filter > 1
            else [self.tr("the sum of its window's products")])
        return self.tr("each output = {parts}", parts=" + ".join(parts))

    def torch_code(self) -> TorchCode:
        """``nn.Conv2d`` with the layer's options, the weights and biases shown, and the input shown."""
        return self.layer_code(self.trace)

    def narrator(self, language: str):
        """The spoken story of this layer in ``language`` (see :mod:`convanim.narration.conv_layer`)."""
        from convanim.narration.conv_layer import ConvLayerNarrator

        return ConvLayerNarrator(self.trace, self.decimals, language, flipped=self.flip_kernel)

    # -- hooks ---------------------------------------------------------------------
    def after_bias(self, f: int) -> None:
        """Called when filter ``f``'s output cells hold its bias; tests read the screen here."""

    def after_stage(self, stage: str, step: ConvStep) -> None:
        """Called after each stage ('kernel', 'products', 'sum', 'output', 'done'); tests read the screen here."""
