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

import numpy as np
from . import _gl  # noqa: F401  (must come before manimlib)
from manimlib import (DOWN, LEFT, UP, FadeIn, FadeOut, ReplacementTransform, Transform,
                      TransformFromCopy, VGroup, Write)
from manimlib.animation.numbers import ChangeDecimalToValue
from manimlib.utils.color import color_to_rgba

from convanim import param_count, trace_conv2d
from convanim.padding import padding_mask
from convanim.trace import ConvStep, ConvTrace

from .batched_scene import BatchedScene
from .cells import (BiasChip, ChannelStack, KernelOverlay, NumberGrid, caption_text, fit_font_size, frame_around,
                    label_above, swap_caption)
from .layer_options import LayerOptions
from .numbers import make_number, running_sum_equation, set_number, widest_text
from .palette import DEFAULT_PALETTE, Palette


class ConvLayerScene(LayerOptions, BatchedScene):
    """Base scene for one conv layer.  Options (class attributes):

    Layer and values: see :class:`LayerOptions` (``in_channels``,
    ``input_size``, ``out_channels``, ``kernel_size``, ``stride``, ``padding``,
    ..., ``seed``, ``input_values``, ...).
    Look: ``palette``; ``max_numbered_cells`` (a bigger grid shades its
    cells by value instead of drawing numbers, which would be unreadable;
    the caption and the products still show the numbers).  Pacing: ``detailed_steps`` (steps shown in full
    detail before the rest sweep), ``stage_time`` (each detailed stage),
    ``sweep_time`` (each quick step), ``pause_time``.  Run times that are
    whole numbers of frames (multiples of 1/30 s) keep the video exactly as
    long as the scene's clock.
    """

    palette: Palette = DEFAULT_PALETTE
    max_numbered_cells: int = 256
    detailed_steps: int = 4
    stage_time: float = 0.8
    sweep_time: float = 1 / 3
    pause_time: float = 1.0

    # -- drawing -----------------------------------------------------------------
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
        x, w, b = self.get_layer_arrays()
        return trace_conv2d(x, w, b, stride=self.stride, padding=self.padding, dilation=self.dilation,
                            groups=self.groups, padding_mode=self.padding_mode)

    # -- building ----------------------------------------------------------------
    def setup(self) -> None:
        # The core checks every option here, before any frame is written.
        self.trace = self.get_trace()
        self.camera.background_rgba = list(color_to_rgba(self.palette.background))
        t = self.trace
        self.num_decimals = 0 if t.dtype.kind in "iu" else self.decimals
        self.layered = t.padded[0].size + t.output[0].size > self.max_numbered_cells
        self.build_input_stack()
        self.build_output_grids()
        self.build_filter_panel(0)
        self.overlay: KernelOverlay | None = None
        self.output_frame = None
        self.kernel_frame = None
        self.cell_marker = None
        self.caption = self.on_top(caption_text(" ", 28).to_edge(DOWN, buff=0.3))
        self.products = VGroup()
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
        for ch in range(c):
            grid = NumberGrid(t.padded[ch], cell, pal.input, self.num_decimals, mask, pal.padding, font,
                              show_numbers=hp * wp <= self.max_numbered_cells)
            font = grid.font_size  # one font size for every channel
            grids.append(grid)
        self.input_stack = ChannelStack(grids, np.array([offset, offset, 0]), pal.input)
        self.input_stack.move_to(np.array([-4.1, -0.15, 0]))
        self.input_label = label_above(self.input_stack, f"input  {c}×{t.geometry.input[0]}×{t.geometry.input[1]}")

    def input_mask(self) -> np.ndarray:
        """(Hp, Wp) True on cells drawn as padding (not part of the input)."""
        return padding_mask(self.trace.geometry.input, self.trace.geometry.pads)

    def build_output_grids(self) -> None:
        t, pal = self.trace, self.palette
        f = t.num_filters
        oh, ow = t.geometry.out
        gap = 0.55
        cell = min(0.8, (5.6 - (f - 1) * gap) / (f * oh), 2.8 / ow)
        widest = widest_text(t.running, self.num_decimals)
        font = fit_font_size(cell, widest)
        self.output_grids = []
        for k in range(f):
            grid = NumberGrid(t.running[k, :, :, 0], cell, pal.ramp(0, t.channels_per_filter), self.num_decimals,
                              font_size=font, show_numbers=oh * ow <= self.max_numbered_cells)
            self.output_grids.append(self.on_top(grid))
        column = VGroup(*self.output_grids).arrange(DOWN, buff=gap)
        column.move_to(np.array([4.9, -0.15, 0]))
        self.output_labels = VGroup(*(
            caption_text(f"y[{k}]", 22, "#BDBDBD").next_to(g, LEFT, buff=0.15) for k, g in enumerate(self.output_grids)))
        self.output_label = label_above(column, f"output  {f}×{oh}×{ow}")

    def build_filter_panel(self, f: int) -> None:
        """The kernels of filter ``f`` (one per input channel) and its bias chip."""
        t, pal = self.trace, self.palette
        cg, kh, kw = t.weight.shape[1:]
        gap = 0.3
        cell = min(0.42, (4.4 - (cg - 1) * gap) / (cg * kh), 1.6 / kw)
        kernels = [NumberGrid(t.weight[f, c], cell, pal.kernel, self.num_decimals) for c in range(cg)]
        self.kernels = VGroup(*kernels).arrange(DOWN, buff=gap).move_to(np.array([0.0, 0.35, 0]))
        self.kernel_grids = kernels
        self.bias_chip = BiasChip(t.bias[f], pal.bias, self.num_decimals, font_size=24)
        self.bias_chip.next_to(self.kernels, DOWN, buff=0.3)
        if not t.has_bias:
            self.bias_chip.set_opacity(0)
        self.filter_label = label_above(self.kernels, f"filter {f}  {cg}×{kh}×{kw}")

    # -- the story ---------------------------------------------------------------
    def construct(self) -> None:
        self.introduce_layer()
        t = self.trace
        oh, ow = t.geometry.out
        for f in range(t.num_filters):
            self.show_filter(f)
            for c in range(t.channels_per_filter):
                self.bring_channel_forward(f, c)
                for oy in range(oh):
                    for ox in range(ow):
                        step = t.step(f, c, oy, ox)
                        if self.steps_shown < self.detailed_steps:
                            self.compute_step_in_detail(step)
                        else:
                            self.sweep_step(step)
                        self.steps_shown += 1
                        self.after_stage("done", step)
        self.conclude()

    def introduce_layer(self) -> None:
        t = self.trace
        c, h, w = t.input.shape
        f, cg, kh, kw = t.weight.shape
        oh, ow = t.geometry.out
        params = param_count(c, f, (kh, kw), bias=t.has_bias, groups=t.groups)
        bias_part = f" + {f}" if t.has_bias else ""
        self.title = caption_text(
            f"input {c}×{h}×{w}   *   {f} filter{'s' if f > 1 else ''} {cg}×{kh}×{kw}"
            f"{' + bias' if t.has_bias else ''}   →   "
            f"output {f}×{oh}×{ow}", 28).to_edge(UP, buff=0.25)
        self.params = caption_text(f"parameters: {f}·{cg}·{kh}·{kw}{bias_part} = {params}", 26, "#BDBDBD")
        self.params.next_to(self.title, DOWN, buff=0.12)
        self.play(FadeIn(self.input_stack), FadeIn(self.input_label), Write(self.title), run_time=self.stage_time)
        self.play(*(FadeIn(g) for g in self.output_grids), FadeIn(self.output_labels), FadeIn(self.output_label),
                  FadeIn(self.params), run_time=self.stage_time)
        self.wait(self.pause_time)
        self.play(FadeOut(self.params), run_time=self.stage_time / 2)

    def show_filter(self, f: int) -> None:
        if f > 0:
            self.play(FadeOut(self.kernels), FadeOut(self.bias_chip), FadeOut(self.filter_label),
                      FadeOut(self.kernel_frame), *([FadeOut(self.overlay)] if self.overlay else []),
                      run_time=self.stage_time / 2)
            self.overlay = None
            self.kernel_frame = None
            self.build_filter_panel(f)
        grid = self.output_grids[f]
        frame = self.on_top(frame_around(grid, self.palette.text, buff=0.08, thickness=0.04))
        if self.output_frame is None:
            self.output_frame, move_frame = frame, FadeIn(frame)
        else:
            move_frame = Transform(self.output_frame, frame)
        self.play(FadeIn(self.kernels), FadeIn(self.bias_chip), FadeIn(self.filter_label), move_frame,
                  run_time=self.stage_time)

    def bring_channel_forward(self, f: int, c: int) -> None:
        """Put this filter's input channel ``c`` in front and its kernel over the first window."""
        t = self.trace
        channel = t.group_of(f) * t.channels_per_filter + c
        stack = self.input_stack
        leaving = [FadeOut(self.overlay)] if self.overlay else []
        if stack.front != channel:
            stack.bring_forward(self, channel, self.stage_time, *leaving)
        elif leaving:
            self.play(*leaving, run_time=self.stage_time / 2)
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
        self._channel_label = caption_text(f"channel {channel} in front", 22, "#BDBDBD")
        self._channel_label.next_to(self.input_stack, DOWN, buff=0.15)
        return self._channel_label

    def make_overlay(self, f: int, c: int) -> KernelOverlay:
        t = self.trace
        spacing = (self.input_cell * t.geometry.dilation[0], self.input_cell * t.geometry.dilation[1])
        return self.on_top(KernelOverlay(t.weight[f, c], self.input_cell, spacing, self.palette.kernel,
                                         self.num_decimals))

    # -- one step --------------------------------------------------------------------
    def mark_output_cell(self, step: ConvStep):
        """Animation moving the marker to the output cell this step writes."""
        cell = self.output_grids[step.filter].cell(step.oy, step.ox)
        marker = self.on_top(frame_around(cell, self.palette.product, buff=0.0, thickness=0.05))
        if self.cell_marker is None:
            self.cell_marker = marker
            return FadeIn(marker)
        return self.cell_marker.animate.move_to(marker)

    def compute_step_in_detail(self, step: ConvStep) -> None:
        self.slide_kernel(step, self.stage_time, self.mark_output_cell(step))
        self.after_stage("kernel", step)
        self.show_products(step)
        self.after_stage("products", step)
        self.collapse_products(step)
        self.after_stage("sum", step)
        self.add_into_output(step)

    def slide_kernel(self, step: ConvStep, run_time: float, *extra) -> None:
        grid = self.input_stack.front_grid()
        shift = self.overlay.shift_onto(grid, step.sources.rows[0], step.sources.cols[0])
        if np.allclose(shift, 0) and not extra:
            return
        self.play(self.overlay.animate.shift(shift), *extra, run_time=run_time)

    def show_products(self, step: ConvStep) -> None:
        """Each weight becomes its product, drawn over the input cell it multiplies."""
        grid = self.input_stack.front_grid()
        kh, kw = step.products.shape
        font = grid.font_size
        self.products = VGroup()
        for ky in range(kh):
            for kx in range(kw):
                num = make_number(step.products[ky, kx], self.num_decimals, 0.85 * font, self.palette.product)
                num.move_to(grid.cell(step.sources.rows[ky], step.sources.cols[kx]))
                self.products.add(self.on_top(num))
        # Animate the on-screen numbers one by one: animating a new VGroup of
        # them would make manimgl pull them out of their grid.
        self.window_numbers = ([grid.number(r, c) for r in step.sources.rows for c in step.sources.cols]
                               if grid.show_numbers else [])
        self.play(*(ReplacementTransform(self.overlay.weight(ky, kx).copy(), self.products[ky * kw + kx])
                    for ky in range(kh) for kx in range(kw)),
                  self.overlay.weights.animate.set_opacity(0),
                  *(n.animate.set_opacity(0) for n in self.window_numbers), run_time=self.stage_time)

    def collapse_products(self, step: ConvStep) -> None:
        """The products merge into the channel's window sum; the caption gains a term."""
        out_cell = self.output_grids[step.filter].cell(step.oy, step.ox)
        self.sum_number = make_number(step.channel_sum, self.num_decimals, self.output_grids[0].font_size * 1.3,
                                      self.palette.product)
        self.sum_number.move_to(np.array([2.55, out_cell.get_center()[1], 0]))
        self.on_top(self.sum_number)
        self.sum_label = self.on_top(caption_text(f"Σ channel {step.input_channel}", 20, "#BDBDBD"))
        self.sum_label.next_to(self.sum_number, UP, buff=0.1)
        self.play(Transform(self.products, self.sum_number.copy()), FadeIn(self.sum_label),
                  *(n.animate.set_opacity(1) for n in self.window_numbers),
                  self.overlay.weights.animate.set_opacity(1), self.caption_animation(step),
                  run_time=self.stage_time)
        self.remove(self.products)
        self.add(self.sum_number)
        self.products = VGroup()

    def add_into_output(self, step: ConvStep) -> None:
        """The sum flies into the output cell, which counts up to the new running sum."""
        grid = self.output_grids[step.filter]
        count_up = [ChangeDecimalToValue(grid.number(step.oy, step.ox), step.running_after)] if grid.show_numbers else []
        self.play(self.sum_number.animate.move_to(grid.cell(step.oy, step.ox)).set_opacity(0), *count_up,
                  FadeOut(self.sum_label),
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
                          self.caption_animation(step))
        grid.set_number(step.oy, step.ox, step.running_after)
        self.after_stage("output", step)

    def caption_animation(self, step: ConvStep):
        """Cross-fade to the step's equation."""
        self.caption, animation = swap_caption(self.caption, self.equation(step), 28)
        self.on_top(self.caption)
        return animation

    def equation(self, step: ConvStep) -> str:
        """``y[f,oy,ox] = b + s0 + ... + sc = running`` with the trace's numbers."""
        return running_sum_equation(self.trace, step, self.num_decimals)

    def conclude(self) -> None:
        self.play(FadeOut(self.overlay), FadeOut(self.caption), FadeOut(self.cell_marker),
                  run_time=self.stage_time / 2)
        self.caption = caption_text(self.conclusion(), 26).to_edge(DOWN, buff=0.3)
        self.play(FadeIn(self.caption), run_time=self.stage_time)
        self.wait(self.pause_time)

    def conclusion(self) -> str:
        """The closing caption: what each output cell is the sum of."""
        t = self.trace
        parts = (["bias"] if t.has_bias else []) + (
            ["one window sum per input channel"] if t.channels_per_filter > 1 else ["the sum of its window's products"])
        return f"each output = {' + '.join(parts)}"

    # -- hooks ---------------------------------------------------------------------
    def after_stage(self, stage: str, step: ConvStep) -> None:
        """Called after each stage ('kernel', 'products', 'sum', 'output', 'done'); tests read the screen here."""
