"""ConvVolumeScene: a conv layer as volumes: a C×k×k filter block moving through the C×H×W input block.

The input is drawn as a block: one numbered plane per channel, stacked in
depth and seen by a turned camera; each filter is a translucent block as
deep as the channels it reads, slid over every window; each position
lights one cell of that filter's output plane, so each filter makes one
output channel.  The first ``detailed_positions`` positions write their
arithmetic (each channel's window sum, then bias + sums = the output, the
same statements as Conv3x3); the rest sweep.  With ``groups`` each filter
block reaches only its group's planes, drawn in its group's colour.

Numbers and statements come from :func:`convanim.trace_conv2d` and
``convanim.statements``; the scene computes nothing.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import detailed_option, show_code_option, sweep_time_option
from convanim.manim.options.option_kinds import Maybe, Whole, Number, Numbers
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DEGREES, FRAME_HEIGHT, OUT, UP, Group, VPrism

from convanim import macs, param_count, pixel_shuffle, trace_conv2d
from convanim.arithmetic.shuffle import shuffle_destinations
from convanim.arithmetic.trace import ConvTrace
from convanim.networks.pipeline import Conv
from convanim.statements import channel_sum_statement, running_statement
from convanim.torch_code import TorchCode, pipeline_code, pixel_shuffle_code

from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.rendering.camera_view import ROOM_ABOVE_CAPTION, face_camera, fit_view, project, screen_box
from convanim.manim.mobjects.cells import MIN_LETTER_HEIGHT, NumberGrid, caption_text, fit_font_size, shade_of
from convanim.manim.animations.fades import FadeIn, FadeOut
from convanim.manim.options.layer_options import LayerOptions
from convanim.manim.mobjects.numbers import format_shape, widest_text


#: The field of view of the 3D scenes' camera: narrow, so that depth barely changes a plane's size on screen.
FIELD_OF_VIEW = 6 * DEGREES

#: The space on screen between one plane and the next (frame units).
PLANE_SPACE = 0.2

#: The height of a plane's digits, as a share of a cell's side: the cells are drawn shorter than wide (the
#: planes are tilted away from the viewer), and the 2D grids' 0.45 would leave most of their height empty.
DIGIT_HEIGHT = 0.6

#: The font size of a block's label (before the view is fitted).
LABEL_SIZE = 28

#: The most the fitted view magnifies small blocks (times the unscaled frame).
LARGEST_ZOOM = 1.25


def plane_depth(c: int, planes: int, gap: float) -> float:
    """The z of plane ``c`` of a block of ``planes`` planes ``gap`` apart, centred on z = 0, plane 0 in front."""
    return ((planes - 1) / 2 - c) * gap


class ConvVolumeScene(LayerOptions, FamilyScene):
    """A conv layer as volumes.  Options: the layer's (:class:`LayerOptions`: ``in_channels``,
    ``input_size``, ``out_channels``, ``kernel_size``, ``groups``, ``seed``, values...), ``cell`` (side of a
    cell), ``plane_gap`` (depth between channel planes; None: just enough to keep them apart on screen),
    ``camera_angles`` (theta, phi, gamma in degrees), ``frame_height`` (None: the view fitted to the blocks),
    ``detailed_positions`` (positions whose arithmetic is written), ``palette``, ``stage_time``,
    ``sweep_time``, ``pause_time``."""

    cell: float = Option(0.5, Number(above=0, high=2), 'the side of an input cell')
    output_cell: float = Option(0.75, Number(above=0, high=2), 'the side of an output cell')
    filter_x: float = Option(0.4, Number(-7, 7), "the filter's x")
    #: The output's letter in the statements (y[f,oy,ox]); a scene of two layers names the first one's d.
    plane_gap: float | None = Option(None, Maybe(Number(above=0, high=10), "just enough to keep the planes apart "
                                                                             "on screen"),
                                     'the depth between channel planes')
    camera_angles: tuple[float, float, float] = Option((-15, 45, 0),
                                                       Numbers(3, "three angles theta,phi,gamma in degrees"),
                                                       "the camera")
    frame_height: float | None = Option(None, Maybe(Number(above=0, high=40), "fitted to the blocks"),
                                        'the height of the view')
    detailed_positions: int = detailed_option(2, "positions")
    sweep_time: float = sweep_time_option(1 / 3)
    show_code: bool = show_code_option()
    slide_cuts: tuple[str, ...] = ("show_filter", "conclude", "show_code_card")
    CAPTION_SIZE = LONG_CAPTION_SIZE = 26

    # -- values ------------------------------------------------------------------
    def get_trace(self) -> ConvTrace:
        x, w, b = self.get_layer_arrays()
        return trace_conv2d(x, w, b, stride=self.stride, padding=self.padding, dilation=self.dilation,
                            groups=self.groups, padding_mode=self.padding_mode)

    # -- building ----------------------------------------------------------------
    def setup(self) -> None:
        super().setup()
        self.output_name = "y"  # the output's letter in captions: "d" while the depthwise stage is told
        self.build_volumes()

    def hold_caption(self, mob):
        return mob.fix_in_frame()  # the camera turns; the caption stays where it is read

    def build_volumes(self) -> None:
        """The blocks of the layer, and the camera aimed at them."""
        self.turn_camera()
        self.use_trace(self.get_trace())

    def turn_camera(self) -> None:
        """The camera at ``camera_angles``, seeing nearly in parallel (a narrow field of view from far away):
        a plane in the back is drawn as large as the one in front, so every plane's numbers are as readable."""
        self.frame.reorient(*self.camera_angles)
        self.frame.set_field_of_view(FIELD_OF_VIEW)

    def fit_camera(self, mobjects: list) -> None:
        """The view fitted to ``mobjects`` above the caption (or ``frame_height`` tall, centred on them)."""
        if self.frame_height is None:
            fit_view(self.frame, mobjects, ROOM_ABOVE_CAPTION, largest_zoom=LARGEST_ZOOM)
        else:
            self.frame.set_height(self.frame_height)
            fit_view(self.frame, mobjects, ROOM_ABOVE_CAPTION, largest_zoom=FRAME_HEIGHT / self.frame_height)

    def depth_gap(self, planes: list[tuple[int, int, float]]) -> float:
        """``plane_gap``, or the depth between planes that puts each one just clear of the next on screen:
        ``planes`` holds (rows, columns, cell side) of each kind of plane the blocks have."""
        if self.plane_gap is not None:
            return self.plane_gap
        tallest = 0.0
        for rows, cols, cell in planes:
            h, w = rows * cell / 2, cols * cell / 2
            corners = np.array([[-w, -h, 0], [w, -h, 0], [w, h, 0], [-w, h, 0]])
            drawn = project(self.frame, corners)[:, 1]
            tallest = max(tallest, float(np.ptp(drawn)))
        per_depth = abs(float(np.diff(project(self.frame, np.array([[0, 0, 0], [0, 0, 1.0]]))[:, 1])[0]))
        return (tallest + PLANE_SPACE) / max(per_depth, 0.2)

    def use_trace(self, trace: ConvTrace) -> None:
        """Build the input and output blocks of the layer ``trace`` records (the output's numbers hidden), and
        fit the view to them.  Where the fitted view would draw the planes' digits under the minimum size (a
        block of many planes), the planes are shaded by value instead, and the captions carry the numbers."""
        self.trace = t = trace
        f, cg, kh, kw = t.weight.shape
        self.gap = self.depth_gap([(*t.padded.shape[1:], self.cell), (kh, kw, self.cell)])  # input and filters
        for self.numbered in (True, False):
            self.build_blocks()
            if not self.numbered or self.smallest_digit() >= MIN_LETTER_HEIGHT * 1.005:
                break
        self.filter_block: Group | None = None
        self.window_box = None
        self.positions_shown = 0

    def build_blocks(self) -> None:
        """The input and output blocks and their names, the view fitted to them and to the filter blocks."""
        t = self.trace
        self.input_block = self.build_block(t.padded, self.palette.input, np.array([-3.0, 0.0, 0.0]),
                                            colors=[self.channel_color(c) for c in range(t.padded.shape[0])])
        self.output_block = self.empty_output_block(t.output)
        self.input_label = self.block_label(self.input_block, self.input_title())
        self.output_label = self.block_label(self.output_block, self.output_title())
        for _ in range(2):  # the names grown to the readable size in the fitted view, and the view fitted again
            filters = [self.build_filter_block(f) for f in range(t.num_filters)]  # where they will come
            self.fit_camera([self.input_block, self.input_label, self.output_block, self.output_label,
                             *filters, *(block.label for block in filters)])
            for label in (self.input_label, self.output_label):
                self.readable(label)
        self.all_numbers = [n for block in (self.input_block, self.output_block, *filters) for grid in block
                            if grid.show_numbers for n in grid.numbers]

    def empty_output_block(self, values: np.ndarray) -> Group:
        """The output's planes (C, H, W) at the right, their numbers hidden until the filter passes."""
        block = self.build_block(values, self.palette.padding, np.array([3.6, 0.0, 0.0]), cell=self.output_cell)
        for grid in block:
            grid.numbers.set_opacity(0)
            if not grid.show_numbers:
                grid.squares.set_fill(self.palette.padding)
        return block

    def smallest_digit(self) -> float:
        """The height on screen (frame units) of the shortest of the blocks' numbers: each number's tallest
        glyph (a row of tilted digits spans more than one digit's height)."""
        return min(self.glyph_height(n) for n in self.all_numbers)

    def glyph_height(self, mob) -> float:
        """The height on screen of ``mob``'s tallest glyph (its submobjects with points)."""
        boxes = [screen_box(self.frame, [m]) for m in mob.family_members_with_points()]
        return max(y1 - y0 for _, y0, _, y1 in boxes)

    def input_title(self) -> str:
        return self.tr("input  {shape}", shape=format_shape(self.trace.input.shape))

    def output_title(self) -> str:
        return self.tr("output  {shape}", shape=format_shape(self.trace.output.shape))

    def channel_color(self, c: int) -> str:
        """Input plane ``c``'s colour: the input green, or its group's colour when the layer has groups."""
        if self.trace.groups == 1:
            return self.palette.input
        return self.palette.channel(c // (self.trace.padded.shape[0] // self.trace.groups))

    def build_block(self, values: np.ndarray, color: str, centre: np.ndarray, colors: list[str] | None = None,
                    cell: float | None = None) -> Group:
        """(C, H, W) ``values`` as C numbered planes, plane 0 in front: the input's ``self.gap`` apart in depth
        with the input's cells, or as far apart as planes of their own ``cell`` need."""
        gap = self.gap if cell is None else self.depth_gap([(*values.shape[1:], cell)])
        cell = cell or self.cell
        font = fit_font_size(cell, widest_text(values, self.decimals), height_share=DIGIT_HEIGHT)
        planes = []
        for c in range(values.shape[0]):
            grid = NumberGrid(values[c], cell, colors[c] if colors else color, self.decimals, font_size=font,
                              fill_opacity=0.85, show_numbers=self.numbered)
            grid.move_to(centre + OUT * plane_depth(c, values.shape[0], gap))
            planes.append(grid)
        return Group(*planes)

    def plane_z(self, c: int) -> float:
        """The depth of input channel ``c``'s plane."""
        return plane_depth(c, self.trace.padded.shape[0], self.gap)

    def build_filter_block(self, f: int) -> Group:
        """Filter ``f``'s kernels as numbered planes, each at the depth of the input channel it reads."""
        t = self.trace
        font = fit_font_size(self.cell, widest_text(t.weight, self.decimals), height_share=DIGIT_HEIGHT)
        planes = []
        for k, c in enumerate(self.filter_channels(f)):
            grid = NumberGrid(t.weight[f, k], self.cell, self.group_kernel_color(f), self.decimals, font_size=font,
                              fill_opacity=0.85, show_numbers=self.numbered)
            grid.move_to(np.array([self.filter_x, 0.0, self.plane_z(c)]))
            planes.append(grid)
        block = Group(*planes)
        block.label = self.block_label(block, self.tr("filter {f}  {shape}", f=f,
                                                      shape=format_shape(t.weight.shape[1:])))
        return block

    def block_label(self, block: Group, text: str):
        """``text`` above the block's front plane, turned to face the viewer, readable in the current view."""
        label = caption_text(text, LABEL_SIZE, "#BDBDBD")
        return self.readable(face_camera(self.frame, label.move_to(block[0].get_top() + UP * 0.45)))

    def readable(self, label):
        """``label`` grown about its centre until its letters are drawn at least MIN_LETTER_HEIGHT tall in the
        current view (a view fitted to a block of many planes draws everything smaller); returns it."""
        tallest = self.glyph_height(label)
        if tallest < MIN_LETTER_HEIGHT * 1.02:
            label.scale(MIN_LETTER_HEIGHT * 1.02 / tallest)
        return label

    def window_prism(self, f: int, oy: int, ox: int) -> VPrism:
        """Filter ``f``'s block at output (oy, ox): over the window's cells, as deep as its channels."""
        t = self.trace
        kh, kw = t.geometry.kernel
        dh, dw = t.geometry.dilation
        sh, sw = t.geometry.stride
        channels = self.filter_channels(f)
        front, back = self.input_block[channels[0]], self.input_block[channels[-1]]
        top_left = front.cell(oy * sh, ox * sw).get_center()
        bottom_right = front.cell(oy * sh + dh * (kh - 1), ox * sw + dw * (kw - 1)).get_center()
        depth = abs(front.get_center()[2] - back.get_center()[2]) + 0.25
        prism = VPrism(width=bottom_right[0] - top_left[0] + self.cell * 1.04,
                       height=top_left[1] - bottom_right[1] + self.cell * 1.04, depth=depth,
                       fill_color=self.group_kernel_color(f), fill_opacity=0.22)
        centre = (top_left + bottom_right) / 2
        centre[2] = (front.get_center()[2] + back.get_center()[2]) / 2
        prism.move_to(centre)
        prism.cells = (f, oy, ox, tuple(channels))  # what it covers, for tests
        return prism

    def group_kernel_color(self, f: int) -> str:
        t = self.trace
        return self.palette.kernel if t.groups == 1 else self.palette.channel(t.group_of(f))

    def filter_channels(self, f: int) -> list[int]:
        """The input channels filter ``f`` reads (its group's)."""
        cg = self.trace.channels_per_filter
        return list(self.trace.group_of(f) * cg + np.arange(cg))

    # -- the story ---------------------------------------------------------------
    def construct(self) -> None:
        self.introduce_volumes()
        self.run_filters()
        self.conclude()
        if self.shows_code():
            self.show_code_card()

    def run_filters(self) -> None:
        """Every filter of the current layer over every window."""
        oh, ow = self.trace.geometry.out
        for f in range(self.trace.num_filters):
            self.show_filter(f)
            for oy in range(oh):
                for ox in range(ow):
                    self.slide_to(f, oy, ox)

    def introduce_volumes(self) -> None:
        self.play(FadeIn(self.input_block), FadeIn(self.input_label), FadeIn(self.output_block),
                  FadeIn(self.output_label), self.caption_to(self.volumes_caption()), run_time=self.stage_time)
        self.wait(self.pause_time)

    def volumes_caption(self) -> str:
        t = self.trace
        f, cg, kh, kw = t.weight.shape
        params = param_count(t.input.shape[0], f, (kh, kw), bias=t.has_bias, groups=t.groups)
        return self.trn("{n} filter {shape} makes {n} output channel; {params} parameters, {macs} multiply-adds",
                        "{n} filters {shape} make {n} output channels; {params} parameters, {macs} multiply-adds",
                        f, shape=f"{cg}×{kh}×{kw}", params=params,
                        macs=macs(t.input.shape[0], f, (kh, kw), t.geometry.out, t.groups))

    def show_filter(self, f: int) -> None:
        """Filter ``f``'s block appears on its first window, as deep as the channels it reads."""
        prism = self.window_prism(f, 0, 0)
        block = self.build_filter_block(f)
        animations = [FadeIn(prism), FadeIn(block), FadeIn(block.label)]
        if self.window_box is not None:
            animations += [FadeOut(self.window_box), FadeOut(self.filter_block), FadeOut(self.filter_block.label)]
        self.filter_block = block
        self.play(*animations, self.caption_to(self.filter_caption(f)), run_time=self.stage_time)
        self.window_box = prism
        self.wait(self.pause_time / 2)

    def filter_caption(self, f: int) -> str:
        """What filter ``f``'s block is and which channels it reads."""
        cg, kh, kw = self.trace.weight.shape[1:]
        channels = self.filter_channels(f)
        return (self.tr("filter {f}: a {shape} block reading channels {first}–{last}", f=f, shape=f"{cg}×{kh}×{kw}",
                        first=channels[0], last=channels[-1]) if len(channels) > 1 else
                self.tr("filter {f}: a {shape} block reading channel {channel}", f=f, shape=f"{cg}×{kh}×{kw}",
                        channel=channels[0]))

    def slide_to(self, f: int, oy: int, ox: int) -> None:
        """The block moves onto window (oy, ox); the output cell (f, oy, ox) takes its value."""
        t = self.trace
        target = self.window_prism(f, oy, ox)
        grid = self.output_grid(f)
        detailed = self.positions_shown < self.detailed_positions
        run_time = self.stage_time if detailed else self.sweep_time
        if detailed:
            self.play(self.window_box.animate.move_to(target), run_time=run_time)
            for c in range(t.channels_per_filter):
                self.play(self.caption_to(self.window_sum_statement(t.step(f, c, oy, ox))), run_time=run_time)
                self.wait(self.pause_time / 2)
        last = t.step(f, t.channels_per_filter - 1, oy, ox)
        if grid.show_numbers:
            grid.set_number(oy, ox, last.running_after)
            grid.number(oy, ox).set_opacity(0)  # the new glyphs, hidden until the cell lights up
            lights = [grid.number(oy, ox).animate.set_opacity(1),
                      grid.cell(oy, ox).animate.set_fill(self.palette.output)]
        else:  # shaded by its value among the layer's outputs
            lights = [grid.cell(oy, ox).animate.set_fill(shade_of(last.running_after, float(t.output.min()),
                                                                  float(t.output.max()), self.palette.output))]
        self.play(*([] if detailed else [self.window_box.animate.move_to(target)]), *lights,
                  self.caption_to(running_statement(t, last, self.decimals, self.lookup, self.output_name)),
                  run_time=run_time)
        if grid.show_numbers:
            grid.number(oy, ox).set_opacity(1)  # the state the animation ends in, on the number itself too
        self.window_box.cells = target.cells
        self.positions_shown += 1
        self.after_position(f, oy, ox)
        if detailed:
            self.wait(self.pause_time / 2)

    def output_grid(self, f: int):
        """The output plane filter ``f`` fills."""
        return self.output_block[f]

    def window_sum_statement(self, step):
        """``Σ channel c = x·w + … = s``: one channel's window, written out."""
        return channel_sum_statement(self.trace, step, self.decimals, self.lookup)

    def conclude(self) -> None:
        t = self.trace
        self.play(FadeOut(self.window_box), FadeOut(self.filter_block), FadeOut(self.filter_block.label),
                  self.caption_to(self.tr(
            "each filter block made one output channel: output {shape}", shape=format_shape(t.output.shape))),
            run_time=self.stage_time)
        self.wait(self.pause_time)

    def torch_code(self) -> TorchCode:
        """``nn.Conv2d`` with the layer's options and the numbers the blocks show."""
        return self.layer_code(self.trace)

    def narrator(self, language: str):
        """The spoken story of the volumes in ``language`` (see :mod:`convanim.narration.volumes`)."""
        from convanim.narration.volumes import VolumeNarrator

        return VolumeNarrator(self.narrated_layers(), self.decimals, language)

    def narrated_layers(self) -> tuple[ConvTrace, ...]:
        """The layers the story goes through, in order."""
        return (self.trace,)

    # -- hooks ---------------------------------------------------------------------
    def after_position(self, f: int, oy: int, ox: int) -> None:
        """Called when output (f, oy, ox) is written; tests read the blocks here."""


class DepthwiseSeparableScene(ConvVolumeScene):
    """A depthwise-separable convolution: depthwise (``groups`` = channels, one k×k filter per channel),
    then pointwise (``out_channels`` filters of C×1×1) on its output; at the end its parameter and
    multiply-add counts beside those of the standard C → ``out_channels`` k×k convolution it replaces.
    Weights are drawn from ``seed`` in ``weight_range``, biases in ``bias_range``."""

    slide_cuts: tuple[str, ...] = ("show_filter", "hand_over", "compare_counts", "show_code_card")

    def get_layers(self) -> tuple[ConvTrace, ConvTrace]:
        """The two layers' traces: depthwise on the input, pointwise on the depthwise output."""
        x, _, _ = self.get_layer_arrays()
        c = x.shape[0]
        k = self.kernel_size if isinstance(self.kernel_size, int) else self.kernel_size[0]
        rng = np.random.default_rng(self.seed + 1)
        low, high = self.weight_range[0], self.weight_range[1] + 1
        depthwise = trace_conv2d(x, rng.integers(low, high, (c, 1, k, k)),
                                 rng.integers(self.bias_range[0], self.bias_range[1] + 1, c), groups=c)
        pointwise = trace_conv2d(depthwise.output, rng.integers(low, high, (self.out_channels, c, 1, 1)),
                                 rng.integers(self.bias_range[0], self.bias_range[1] + 1, self.out_channels))
        return depthwise, pointwise

    def get_trace(self) -> ConvTrace:
        self.layers = self.get_layers()
        self.output_name = "d"
        return self.layers[0]

    def input_title(self) -> str:
        shape = format_shape(self.trace.input.shape)
        return self.tr("input  {shape}", shape=shape) if self.output_name == "d" else \
            self.tr("depthwise output d  {shape}", shape=shape)

    def output_title(self) -> str:
        shape = format_shape(self.trace.output.shape)
        return self.tr("depthwise output d  {shape}", shape=shape) if self.output_name == "d" else \
            self.tr("output  {shape}", shape=shape)

    def construct(self) -> None:
        self.introduce_volumes()
        self.run_filters()
        self.hand_over()
        self.run_filters()
        self.compare_counts()
        if self.shows_code():
            self.show_code_card()

    def narrated_layers(self) -> tuple[ConvTrace, ...]:
        return self.layers

    def torch_code(self) -> TorchCode:
        """The two layers as ``nn.Sequential``: the depthwise conv (``groups`` = channels), then the pointwise."""
        return pipeline_code(self.layers[0].input, [Conv(t.weight, t.bias if t.has_bias else None, groups=t.groups)
                                                    for t in self.layers])

    def hand_over(self) -> None:
        """The depthwise output becomes the pointwise layer's input."""
        old = Group(self.input_block, self.input_label, self.output_block, self.output_label, self.window_box,
                    self.filter_block, self.filter_block.label)
        self.play(FadeOut(old), run_time=self.stage_time)
        self.output_name = "y"
        self.use_trace(self.layers[1])
        self.play(FadeIn(self.input_block), FadeIn(self.input_label), FadeIn(self.output_block),
                  FadeIn(self.output_label), self.caption_to(self.volumes_caption()), run_time=self.stage_time)
        self.wait(self.pause_time)

    def compare_counts(self) -> None:
        depthwise, pointwise = self.layers
        c, k = depthwise.input.shape[0], depthwise.geometry.kernel
        f = pointwise.num_filters
        out = depthwise.geometry.out
        counts = dict(
            p1=param_count(c, c, k, groups=c), p2=param_count(c, f, 1), m1=macs(c, c, k, out, groups=c),
            m2=macs(c, f, 1, out), shape=f"{c}×{k[0]}×{k[1]}", p=param_count(c, f, k), m=macs(c, f, k, out))
        counts.update(ps=counts["p1"] + counts["p2"], ms=counts["m1"] + counts["m2"])
        self.play(FadeOut(self.window_box), FadeOut(self.filter_block), FadeOut(self.filter_block.label),
                  self.caption_to(self.tr(
                      "depthwise + pointwise: {p1} + {p2} = {ps} parameters, {m1} + {m2} = {ms} multiply-adds; "
                      "a standard conv with {f} filters {shape}: {p} parameters, {m} multiply-adds", f=f,
                      **counts)), run_time=self.stage_time)
        self.counts = counts
        self.wait(self.pause_time)


class PixelShuffleScene(ConvVolumeScene):
    """Pixel shuffle as volumes: a (C·r², H, W) block becomes a (C, H·r, W·r) block, each input plane's
    values flying to their places (:func:`convanim.pixel_shuffle`; destinations from the core's
    ``shuffle_destinations``).  Options: ``upscale_factor`` r, ``out_channels`` C, ``input_size`` (H, W),
    ``seed`` and ``input_range`` for the values (or ``input_values``), plus the look and pacing."""

    upscale_factor: int = Option(2, Whole(1, 4), "r: each r×r block of the output comes from r² channels")
    out_channels: int = 1
    input_size: tuple[int, int] = (2, 2)
    cell, output_cell = 0.8, 0.8
    slide_cuts: tuple[str, ...] = ("move_plane", "conclude", "show_code_card")

    def build_volumes(self) -> None:
        r = self.upscale_factor
        if self.input_values is not None:
            x = np.asarray(self.input_values)
        else:
            rng = np.random.default_rng(self.seed)
            x = rng.integers(self.input_range[0], self.input_range[1] + 1,
                             (self.out_channels * r * r, *self.input_size))
        self.values = x
        self.output = pixel_shuffle(x, r)  # checks the shapes: channels divisible by r²
        self.destinations = shuffle_destinations(x.shape, r)
        self.numbered = True  # the values fly: always numbers
        self.turn_camera()
        self.gap = self.depth_gap([(*x.shape[1:], self.cell)])
        self.input_block = self.build_block(x, self.palette.input, np.array([-3.0, 0.0, 0.0]))
        self.output_block = self.build_block(self.output, self.palette.padding, np.array([3.2, 0.0, 0.0]),
                                             cell=self.output_cell)
        for grid in self.output_block:
            grid.numbers.set_opacity(0)
        self.input_label = self.block_label(self.input_block, self.tr("input  {shape}", shape=format_shape(x.shape)))
        self.output_label = self.block_label(self.output_block, self.tr("output  {shape}",
                                                                        shape=format_shape(self.output.shape)))
        self.fit_camera([self.input_block, self.input_label, self.output_block, self.output_label])
        self.moved: list = []

    def construct(self) -> None:
        r, c_in = self.upscale_factor, self.values.shape[0]
        self.play(FadeIn(self.input_block), FadeIn(self.input_label), FadeIn(self.output_block),
                  FadeIn(self.output_label), self.caption_to(self.tr(
                      "pixel shuffle, r = {r}: {c_in} channels become {c_out}, each {r}×{r} block of an output "
                      "channel made of {r2} input channels", r=r, c_in=c_in, c_out=self.output.shape[0], r2=r * r)),
                  run_time=self.stage_time)
        self.wait(self.pause_time)
        for k in range(c_in):
            self.move_plane(k)
        self.conclude()
        if self.shows_code():
            self.show_code_card()

    def move_plane(self, k: int) -> None:
        """Input channel ``k``'s values fly to their places: channel k = c·r² + i·r + j goes to rows
        h·r + i, columns w·r + j of output channel c."""
        r = self.upscale_factor
        c, rest = divmod(k, r * r)
        i, j = divmod(rest, r)
        source = self.input_block[k]
        moves = []
        for (h, w), _ in np.ndenumerate(self.values[k]):
            oc, oy, ox = self.destinations[k, h, w]
            target = self.output_block[oc]
            flying = source.number(h, w).copy()
            moves.append(flying.animate.move_to(target.cell(oy, ox)).scale(self.output_cell / self.cell))
            self.moved.append(((k, h, w), (int(oc), int(oy), int(ox))))
        self.play(*moves, self.caption_to(self.tr(
            "channel {k} = {c}·{r2} + {i}·{r} + {j}: to rows h·{r} + {i}, columns w·{r} + {j} of output channel {c}",
            k=k, c=c, r2=r * r, i=i, r=r, j=j)), run_time=self.stage_time)
        for (h, w), value in np.ndenumerate(self.values[k]):
            oc, oy, ox = self.destinations[k, h, w]
            grid = self.output_block[oc]
            grid.number(oy, ox).set_opacity(1)
            grid.cell(oy, ox).set_fill(self.palette.output)
        self.remove(*(m.mobject for m in moves))
        self.after_plane(k)
        self.wait(self.pause_time / 2)

    def conclude(self) -> None:
        self.play(self.caption_to(self.tr("the same {n} numbers, moved: nothing is added or multiplied",
                                           n=self.values.size)), run_time=self.stage_time)
        self.wait(self.pause_time)

    def torch_code(self) -> TorchCode:
        """``nn.PixelShuffle`` on the values shown."""
        return pixel_shuffle_code(self.values, self.upscale_factor)

    def narrator(self, language: str):
        """The spoken story of the shuffle in ``language`` (see :mod:`convanim.narration.volumes`)."""
        from convanim.narration.volumes import ShuffleNarrator

        return ShuffleNarrator(self.values.shape[0], self.upscale_factor, self.values.size, language)

    def after_plane(self, k: int) -> None:
        """Called when input channel ``k``'s values have landed; tests read the blocks here."""


__all__ = ["ConvVolumeScene", "DepthwiseSeparableScene", "PixelShuffleScene"]
