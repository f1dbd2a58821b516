"""Conv3dLayerScene: a 3-D conv (``nn.Conv3d``) as volumes: a kernel cube sliding through frames.

Video and medical imaging convolve in three dimensions: a clip is frames over time, a scan is slices over
depth, and the kernel is a cube of KD slices of KH × KW weights.  The input is drawn as its frames, one plane
behind the other and seen by a turned camera (the volume views of
:class:`~convanim.manim.families.volume_scene.ConvVolumeScene`, whose planes there are channels); the kernel
cube stands on the KD frames the current output plane reads, slides over every window of them, and each
position lights one cell of that output plane.  Then the cube moves one stride deeper for the next output
plane.  The first ``detailed_positions`` positions write their arithmetic: each frame's window times its
kernel slice (``Σ frame d = …``), then ``y[0,od,oy,ox] = b + sums``.

One input channel and one filter (a grayscale clip or a scan and one kernel cube): several channels would make
the input a block of blocks.  Numbers come from :func:`convanim.trace_conv3d`; the scene computes nothing.
"""
from __future__ import annotations

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Group

from convanim import macs, param_count, trace_conv3d
from convanim.arithmetic.trace_nd import Conv3dTrace
from convanim.statements import frame_sum_statement
from convanim.torch_code import TorchCode, conv_code

from convanim.manim.animations.fades import FadeOut
from convanim.manim.families.volume_scene import ConvVolumeScene, plane_depth
from convanim.manim.mobjects.numbers import format_shape
from convanim.manim.options.layer_options import integer_range, value_array, whole_number
from convanim.manim.options.option_kinds import Maybe, Numbers, Values, Whole
from convanim.manim.options.options import Option


class Conv3dLayerScene(ConvVolumeScene):
    """One ``nn.Conv3d`` with one input channel and one filter.  Options: ``input_size`` (D, H, W),
    ``kernel_size`` (KD, KH, KW), ``stride``, ``padding`` (a number, 'same' or 'valid') and ``dilation`` (each the
    same on every axis), ``padding_mode``, ``use_bias``; ``input_values`` (D, H, W), ``weight_values``
    (KD, KH, KW) and ``bias_values`` (1,), or ``seed`` with the ranges; the volume views' ``cell``,
    ``camera_angles``, ``detailed_positions``, pacing; ``show_code``."""

    input_size: tuple[int, int, int] = Option(
        (4, 4, 4), Numbers(3, "three whole numbers D,H,W of 1 or more", whole=True, low=1),
        "the input's depth (frames), height and width (D, H, W)")
    kernel_size: tuple[int, int, int] = Option(
        (2, 3, 3), Numbers(3, "three whole numbers KD,KH,KW of 1 or more", whole=True, low=1),
        "the kernel cube's depth, height and width (KD, KH, KW)")
    stride: int = Option(1, Whole(1, 4), "the step between windows, on every axis")
    padding: object = Option(0, Whole(0, 3, words=("same", "valid")), "planes and cells added on each side")
    dilation: int = Option(1, Whole(1, 3), "the spacing of the kernel's taps, on every axis")
    weight_range: tuple[int, int] = (-1, 2)
    bias_range: tuple[int, int] = (-5, 5)
    input_values: np.ndarray | None = Option(None, Maybe(Values(3, "shaped (D, H, W)"), "drawn from seed"),
                                             "the volume, given by hand")
    weight_values: np.ndarray | None = Option(None, Maybe(Values(3, "shaped (KD, KH, KW)"), "drawn from seed"),
                                              "the kernel cube, given by hand")
    bias_values: np.ndarray | None = Option(None, Maybe(Values(1, "shaped (1,)"), "drawn from seed"),
                                            "the bias, given by hand")
    slide_cuts: tuple[str, ...] = ("show_plane", "conclude", "show_code_card")

    # One channel in, one filter out: the 2-D layer's channel options do not apply.
    @property
    def in_channels(self) -> int:
        return 1

    @property
    def out_channels(self) -> int:
        return 1

    @property
    def groups(self) -> int:
        return 1

    # -- values ------------------------------------------------------------------
    def get_layer_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Input (1, D, H, W), weight (1, 1, KD, KH, KW) and bias (1,) or None; the options checked first."""
        scene = type(self).__name__
        whole_number(scene, "seed", self.seed)
        for name in ("input_range", "weight_range", "bias_range"):
            integer_range(scene, name, getattr(self, name))
        rng = np.random.default_rng(self.seed)
        x = (value_array(scene, "input_values", self.input_values) if self.input_values is not None else
             rng.integers(self.input_range[0], self.input_range[1] + 1, tuple(self.input_size)))
        w = (value_array(scene, "weight_values", self.weight_values) if self.weight_values is not None else
             rng.integers(self.weight_range[0], self.weight_range[1] + 1, tuple(self.kernel_size)))
        b = None
        if self.use_bias:
            b = (value_array(scene, "bias_values", self.bias_values) if self.bias_values is not None else
                 rng.integers(self.bias_range[0], self.bias_range[1] + 1, 1))
            if b.shape != (1,):
                raise ValueError(f"{scene}.bias_values must hold one bias, shaped (1,); got shape {b.shape}")
        return x[None], w[None, None], b

    def get_volume(self) -> Conv3dTrace:
        x, w, b = self.get_layer_arrays()
        try:
            return trace_conv3d(x, w, b, stride=self.stride, padding=self.padding, dilation=self.dilation,
                                padding_mode=self.padding_mode)
        except ValueError as error:  # the core's message, in the scene's name
            raise ValueError(f"{type(self).__name__}: {error}") from None

    # -- building ----------------------------------------------------------------
    def build_volumes(self) -> None:
        """The volume's trace, its first output plane's trace as the current one, and the blocks."""
        self.volume = self.get_volume()
        self.plane = 0
        self.turn_camera()
        self.use_trace(self.volume.planes[0])

    def build_blocks(self) -> None:
        """The input's frames (padding planes shaded as padding), the output's planes and their names."""
        v = self.volume
        frames = v.padded[0]
        before, after = v.pads[0]
        colors = [self.palette.padding if d < before or d >= frames.shape[0] - after else self.palette.input
                  for d in range(frames.shape[0])]
        self.input_block = self.build_block(frames, self.palette.input, np.array([-3.0, 0.0, 0.0]), colors=colors)
        (top, bottom), (left, right) = v.pads[1:]
        for grid in self.input_block:  # each frame's padding rows and columns, as the 2-D scenes shade them
            rows, cols = grid.shape
            for i, j in np.ndindex(rows, cols):
                if i < top or i >= rows - bottom or j < left or j >= cols - right:
                    grid.cell(i, j).set_fill(self.palette.padding)
        self.output_block = self.empty_output_block(v.output[0])
        self.input_label = self.block_label(self.input_block, self.input_title())
        self.output_label = self.block_label(self.output_block, self.output_title())
        for _ in range(2):  # the names grown to the readable size in the fitted view, and the view fitted again
            cubes = []
            for self.trace in (self.volume.planes[0], self.volume.planes[-1]):  # where the cube will come
                cubes.append(self.build_filter_block(0))
            self.fit_camera([self.input_block, self.input_label, self.output_block, self.output_label,
                             *cubes, *(cube.label for cube in cubes)])
            for label in (self.input_label, self.output_label):
                self.readable(label)
        self.trace = self.volume.planes[self.plane]
        self.all_numbers = [n for block in (self.input_block, self.output_block, *cubes) for grid in block
                            if grid.show_numbers for n in grid.numbers]

    def input_title(self) -> str:
        return self.tr("input  {shape}", shape=format_shape(self.volume.input.shape[1:]))

    def output_title(self) -> str:
        return self.tr("output  {shape}", shape=format_shape(self.volume.output.shape[1:]))

    def filter_channels(self, f: int) -> list[int]:
        """The frames (planes of the padded input) the current output plane reads."""
        return self.volume.frames_read(self.trace.depth)

    def plane_z(self, c: int) -> float:
        """The depth of the padded input's frame ``c``."""
        return plane_depth(c, self.volume.padded.shape[1], self.gap)

    def build_filter_block(self, f: int) -> Group:
        block = super().build_filter_block(f)
        block.label = self.block_label(block, self.tr("kernel  {shape}",
                                                      shape=format_shape(self.volume.weight.shape[2:])))
        return block

    def output_grid(self, f: int):
        """The output plane the cube is filling."""
        return self.output_block[self.trace.depth]

    def window_sum_statement(self, step):
        """``Σ frame d = x·w + … = s``: the frame's window times the kernel slice over it."""
        frame = self.volume.frame_of(self.trace.depth, step.channel)
        inside = 0 <= frame < self.volume.input.shape[1]
        return frame_sum_statement(self.trace, step, frame if inside else None, self.decimals, self.lookup)

    # -- the story ---------------------------------------------------------------
    def construct(self) -> None:
        self.introduce_volumes()
        oh, ow = self.trace.geometry.out
        for od in range(self.volume.output.shape[1]):
            self.show_plane(od)
            for oy in range(oh):
                for ox in range(ow):
                    self.slide_to(0, oy, ox)
        self.conclude()
        if self.shows_code():
            self.show_code_card()

    def volumes_caption(self) -> str:
        v = self.volume
        kd, kh, kw = v.weight.shape[2:]
        d = v.input.shape[1]
        return self.tr("a {shape} kernel cube through {frames} frames; {params} parameters, {macs} multiply-adds",
                       shape=f"{kd}×{kh}×{kw}", frames=d, params=param_count(1, 1, (kd, kh, kw), bias=v.has_bias),
                       macs=macs(1, 1, (kd, kh, kw), v.output.shape[1:]))

    def show_plane(self, od: int) -> None:
        """The cube stands on the frames output plane ``od`` reads, over the first window."""
        self.plane = od
        self.trace = self.volume.planes[od]
        self.show_filter(0)

    def filter_caption(self, f: int) -> str:
        """The output plane the cube fills next and the frames it reads (the cube comes as a filter block does)."""
        od = self.trace.depth
        frames = [self.volume.frame_of(od, kd) for kd in range(self.volume.weight.shape[2])]
        return (self.tr("output plane {plane}: the cube reads frames {first}–{last}", plane=od, first=frames[0],
                        last=frames[-1]) if len(frames) > 1 else
                self.tr("output plane {plane}: the cube reads frame {frame}", plane=od, frame=frames[0]))

    def conclude(self) -> None:
        self.play(FadeOut(self.window_box), FadeOut(self.filter_block), FadeOut(self.filter_block.label),
                  self.caption_to(self.tr("the cube visited every window of every plane: output {shape}",
                                          shape=format_shape(self.volume.output.shape[1:]))),
                  run_time=self.stage_time)
        self.wait(self.pause_time)

    def torch_code(self) -> TorchCode:
        """``nn.Conv3d`` with the layer's options, the kernel cube and bias shown, and the volume shown."""
        v = self.volume
        return conv_code(v.input, v.weight, v.bias if v.has_bias else None, self.stride, self.padding, self.dilation,
                         1, self.padding_mode)

    def narrator(self, language: str):
        """The spoken story in ``language`` (see :mod:`convanim.narration.volumes`)."""
        from convanim.narration.volumes import Conv3dNarrator

        return Conv3dNarrator(self.volume, self.decimals, language)
