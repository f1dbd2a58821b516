"""The feature maps of a photo, spoken (FeatureMapScene), from its pipelines and the zoomed pixel's trace.

Each filter: its size and kind, its parameters, the map's size, ReLU and
pooling.  Then one pixel of the zoomed map: the photo window it came from,
each channel's window sum, and the bias plus the sums making the pixel.
"""
from __future__ import annotations

from convanim.inputs.filters import FILTER_NAMES
from convanim.languages import lookup as catalogue_lookup
from convanim.statements import format_number

from .story import Narrator, StepText, joined


class FeatureMapNarrator(Narrator):
    """Narrates a FeatureMapScene: ``input_shape`` (C, H, W), ``filters`` [(kind, size)], ``pipelines`` (each
    filter's conv, ReLU and pooling stages), ``trace`` (the zoomed filter's ConvTrace), ``zoom`` (filter
    index, (row, column) of its map), ``pool_size`` and ``decimals`` as the scene writes the pixel."""

    def __init__(self, input_shape, filters, pipelines, trace, zoom, pool_size: int, decimals: int,
                 language: str = "en"):
        super().__init__(language)
        self.input_shape, self.filters, self.pipelines, self.trace = input_shape, filters, pipelines, trace
        self.zoom, self.pool_size, self.decimals = zoom, pool_size, decimals

    def kind(self, kind: str) -> str:
        return catalogue_lookup(self.language, FILTER_NAMES.get(kind, kind))

    def channel(self, k: int) -> str:
        return ["R", "G", "B"][k] if self.input_shape[0] == 3 else f"c{k}"

    def say_show_code_card(self) -> StepText:
        return StepText("code", self.tr("In PyTorch"), self.tr(
            "The zoomed pixel in PyTorch: the filter as a layer, run on the window shown, gives the pixel shown."))

    def say_begin(self) -> StepText:
        c, h, w = self.input_shape
        return StepText("intro", self.tr("The photo"), self.tr(
            "A photo is {c} channels of {h} by {w} numbers.", c=c, h=h, w=w))

    def say_apply_filter(self, i: int) -> StepText:
        c = self.input_shape[0]
        kind, size = self.filters[i]
        conv, _, pool = self.pipelines[i][1:]
        return StepText(f"filter-{i}", self.tr("Filter {f}", f=i), self.tr(
            "A {size} by {size} {kind} filter reads all {c} channels and makes one map: {params} parameters. The "
            "map is {oh} by {ow}; ReLU sets its negative values to 0, and {p} by {p} max pooling makes it {ph} by "
            "{pw}.", size=size, kind=self.kind(kind), c=c, params=conv.params, oh=conv.shape[1], ow=conv.shape[2],
            p=self.pool_size, ph=pool.shape[1], pw=pool.shape[2]))

    def say_zoom_to_window(self) -> StepText:
        f, (oy, ox) = self.zoom
        kh, kw = self.trace.geometry.kernel
        return StepText("zoom", self.tr("One pixel"), self.tr(
            "Take pixel {y}, {x} of the {kind} map: it comes from a {kh} by {kw} window of the photo.", y=oy,
            x=ox, kind=self.kind(self.filters[f][0]), kh=kh, kw=kw))

    def say_enlarge_window(self) -> StepText:
        return StepText("window", self.tr("The window"), self.tr("The window's numbers, channel by channel."))

    def say_show_window_arithmetic(self) -> StepText:
        c = self.input_shape[0]
        _, (oy, ox) = self.zoom
        t = self.trace
        sums = [self.tr("channel {name}, {total}", name=self.channel(ch),
                        total=format_number(t.channel_sums[0, oy, ox, ch], self.decimals)) for ch in range(c)]
        return StepText("arithmetic", self.tr("The arithmetic"), joined(
            self.tr("Each channel's window times the kernel, summed: {sums}.", sums="; ".join(sums)),
            self.tr("The bias, {bias}, plus the sums gives the pixel, {value}.",
                    bias=format_number(t.bias[0], self.decimals),
                    value=format_number(t.output[0, oy, ox], self.decimals))))

    def say_conclude(self) -> StepText:
        shape = self.pipelines[self.zoom[0]][1].shape
        return StepText("end", self.tr("Summary"), self.tr(
            "The {h} by {w} map is one such sum for every window.", h=shape[1], w=shape[2]))


__all__ = ["FeatureMapNarrator"]
