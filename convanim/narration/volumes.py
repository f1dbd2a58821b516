"""The volume scenes, spoken (ConvVolumeScene, DepthwiseSeparableScene, PixelShuffleScene), from their traces.

ConvVolume: the filters as blocks, the parameters and multiply-adds, each
filter's block and the output channel it fills (its values said when
there are few), the output's shape.  DepthwiseSeparable: the same for the
depthwise layer, the hand-over to the pointwise layer, and the counts
against the standard convolution.  PixelShuffle: where each input channel
goes, and that nothing is computed.
"""
from __future__ import annotations

from convanim import macs, param_count
from convanim.statements import format_number

from .story import Call, Narrator, StepText, joined

LISTED_OUTPUTS = 6


def counts(trace) -> tuple[int, int]:
    """(parameters, multiply-adds) of a traced conv layer."""
    f, _, kh, kw = trace.weight.shape
    c = trace.input.shape[0]
    return (param_count(c, f, (kh, kw), bias=trace.has_bias, groups=trace.groups),
            macs(c, f, (kh, kw), trace.geometry.out, trace.groups))


class VolumeNarrator(Narrator):
    """Narrates a ConvVolumeScene (``layers``: its trace; a DepthwiseSeparableScene: the depthwise and the
    pointwise trace, the second used after ``hand_over``)."""

    def __init__(self, layers, decimals: int, language: str = "en"):
        super().__init__(language)
        self.layers, self.decimals = list(layers), decimals

    def prepare(self, steps: list[list[Call]]) -> None:
        self.layer = 0

    def layer_text(self, trace) -> str:
        f, cg, kh, kw = trace.weight.shape
        params, adds = counts(trace)
        return self.trn("{n} filter of {cg} by {kh} by {kw} makes {n} output channel: {params} parameters and {macs} "
                        "multiply-adds.", "{n} filters of {cg} by {kh} by {kw} make {n} output channels: {params} "
                        "parameters and {macs} multiply-adds.", f, cg=cg, kh=kh, kw=kw, params=params, macs=adds)

    def say_begin(self) -> StepText:
        return StepText("intro", self.tr("The volumes"), self.layer_text(self.layers[self.layer]))

    def say_hand_over(self) -> StepText:
        self.layer = 1
        return StepText("hand-over", self.tr("Pointwise"), joined(self.tr(
            "The depthwise output becomes the input of the pointwise layer."), self.layer_text(self.layers[1])))

    def say_compare_counts(self) -> StepText:
        (p1, m1), (p2, m2) = counts(self.layers[0]), counts(self.layers[1])
        c, f = self.layers[0].input.shape[0], self.layers[1].weight.shape[0]
        kh, kw = self.layers[0].weight.shape[2:]
        standard_p = param_count(c, f, (kh, kw))
        standard_m = macs(c, f, (kh, kw), self.layers[0].geometry.out)
        return StepText("counts", self.tr("The counts"), self.tr(
            "Depthwise and pointwise together: {params} parameters and {macs} multiply-adds. A standard "
            "convolution with {f} filters of {c} by {kh} by {kw} needs {standard_params} and {standard_macs}.",
            params=p1 + p2, macs=m1 + m2, f=f, c=c, kh=kh, kw=kw, standard_params=standard_p,
            standard_macs=standard_m))

    def say_conclude(self) -> StepText:
        shape = self.layers[self.layer].output.shape
        return StepText("end", self.tr("Summary"), self.tr(
            "Each filter block made one output channel: the output is {c} by {h} by {w}.", c=shape[0], h=shape[1],
            w=shape[2]))

    def say_show_filter(self, f: int) -> StepText:
        t = self.layers[self.layer]
        cg, kh, kw = t.weight.shape[1:]
        channels = [t.group_of(f) * cg + c for c in range(cg)]
        block = (self.tr("Filter {f} is a block of {cg} by {kh} by {kw}, reading channels {first} to {last}.", f=f,
                         cg=cg, kh=kh, kw=kw, first=channels[0], last=channels[-1]) if len(channels) > 1 else
                 self.tr("Filter {f} is a block of {cg} by {kh} by {kw}, reading channel {channel}.", f=f, cg=cg,
                         kh=kh, kw=kw, channel=channels[0]))
        values = t.output[f].ravel()
        fills = (self.tr("Window by window, it fills output channel {f}: {values}.", f=f, values=", ".join(
            format_number(v, 0 if t.output.dtype.kind in "iu" else self.decimals) for v in values))
                 if len(values) <= LISTED_OUTPUTS else
                 self.tr("Window by window, it fills output channel {f}.", f=f))
        return StepText(f"layer-{self.layer}-filter-{f}", self.tr("Filter {f}", f=f), joined(block, fills))


class Conv3dNarrator(Narrator):
    """Narrates a Conv3dLayerScene from its :class:`~convanim.Conv3dTrace`: the volume and the kernel cube, each
    output plane and the frames it reads (its values said when there are few), the output's shape."""

    #: A plane of at most this many outputs (3×3) has its values said.
    LISTED_OUTPUTS = 9

    def __init__(self, volume, decimals: int, language: str = "en"):
        super().__init__(language)
        self.volume, self.decimals = volume, decimals

    def say_begin(self) -> StepText:
        v = self.volume
        d, h, w = v.input.shape[1:]
        kd, kh, kw = v.weight.shape[2:]
        return StepText("intro", self.tr("The volume"), joined(
            self.tr("The input is {d} frames of {h} by {w}.", d=d, h=h, w=w),
            self.tr("The kernel is a cube of {kd} by {kh} by {kw}: {kd} slices, one for each frame it reads.",
                    kd=kd, kh=kh, kw=kw),
            self.tr("That makes {params} parameters.", params=param_count(1, 1, (kd, kh, kw), bias=v.has_bias))))

    def say_show_plane(self, od: int) -> StepText:
        v = self.volume
        frames = [v.frame_of(od, kd) for kd in range(v.weight.shape[2])]
        reads = (self.tr("Output plane {plane} reads frames {first} to {last}.", plane=od, first=frames[0],
                         last=frames[-1]) if len(frames) > 1 else
                 self.tr("Output plane {plane} reads frame {frame}.", plane=od, frame=frames[0]))
        values = v.output[0, od].ravel()
        places = 0 if v.output.dtype.kind in "iu" else self.decimals
        fills = (self.tr("Window by window, the cube fills it: {values}.", values=", ".join(
            format_number(value, places) for value in values)) if len(values) <= self.LISTED_OUTPUTS else
                 self.tr("Window by window, the cube fills it."))
        return StepText(f"plane-{od}", self.tr("Plane {plane}", plane=od), joined(reads, fills))

    def say_conclude(self) -> StepText:
        od, oh, ow = self.volume.output.shape[1:]
        return StepText("end", self.tr("Summary"), self.tr(
            "The cube visited every window of every plane: the output is {d} by {h} by {w}.", d=od, h=oh, w=ow))


class ShuffleNarrator(Narrator):
    """Narrates a PixelShuffleScene: ``channels`` in, ``r`` the upscale factor, ``size`` the number of values."""

    def __init__(self, channels: int, r: int, size: int, language: str = "en"):
        super().__init__(language)
        self.channels, self.r, self.size = channels, r, size

    def say_begin(self) -> StepText:
        r = self.r
        return StepText("intro", self.tr("Pixel shuffle"), self.tr(
            "Pixel shuffle with r = {r}: {c_in} channels become {c_out}, each {r} by {r} block of an output channel "
            "gathering {r2} input channels.", r=r, c_in=self.channels, c_out=self.channels // (r * r), r2=r * r))

    def say_move_plane(self, channel: int) -> StepText:
        r = self.r
        c, rest = divmod(channel, r * r)
        i, j = divmod(rest, r)
        return StepText(f"channel-{channel}", self.tr("Channel {k}", k=channel), self.tr(
            "Channel {k} goes to output channel {c}: rows h times {r} plus {i}, columns w times {r} plus {j}.",
            k=channel, c=c, r=r, i=i, j=j))

    def say_conclude(self) -> StepText:
        return StepText("end", self.tr("Summary"), self.tr(
            "The same {n} numbers, moved: nothing is added or multiplied.", n=self.size))


__all__ = ["VolumeNarrator", "Conv3dNarrator", "ShuffleNarrator", "counts"]
