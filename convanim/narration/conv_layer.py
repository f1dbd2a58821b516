"""The conv layer's spoken story (ConvLayerScene and its variants), from a ConvTrace.

Steps and what they say (numbers from the trace, written as on screen):

- the start: the input's, the filters' and the output's shapes, the options
  that change the arithmetic (stride, padding, dilation, groups) and the
  parameter count;
- ``show_filter``: the filter and the bias each of its outputs starts at;
- ``bring_channel_forward``: the channel that comes to the front, said only
  when its window is then worked out in detail (during a sweep it is silent);
- ``compute_step_in_detail``: the window's sum for this channel and the
  running sum it makes ("Channel 0 adds 190: so far 248");
- ``sweep_step`` / ``sweep_row`` (a run of quick steps): the first run of
  each filter says that the remaining windows go quickly, the run that
  finishes the filter says where its outputs end; the others are silent;
- ``conclude``: what each output is the sum of.
"""
from __future__ import annotations

from convanim import param_count
from convanim.statements import decimals_for, format_number, output_label

from .story import Call, Narrator, StepText, joined

#: At most this many final outputs are read out one by one; more are given as their smallest and largest.
LISTED_OUTPUTS = 6


class ConvLayerNarrator(Narrator):
    """Narrates a ConvLayerScene's steps in ``language`` from ``trace``; ``decimals`` as the scene writes
    floats; ``flipped``: the scene turns each kernel first (``flip_kernel``, true convolution)."""

    def __init__(self, trace, decimals: int, language: str = "en", flipped: bool = False):
        super().__init__(language)
        self.trace = trace
        self.decimals = decimals
        self.flipped = flipped
        self.swept: set[int] = set()  # the filters whose first quick run was said
        self.last_runs: dict[int, int] = {}

    def number(self, value, array=None) -> str:
        """``value`` as the scene writes it (decimals only for a float array: the padded input's by default)."""
        places = decimals_for(self.trace.padded if array is None else array, self.decimals)
        return format_number(value, places)

    # -- the whole story ----------------------------------------------------------------------------
    run_methods = ("sweep_step", "sweep_row")

    def prepare(self, steps: list[list[Call]]) -> None:
        self.last_runs = {}  # filter -> the index of the step with its last quick run
        for k, calls in enumerate(steps):
            for call in calls:
                if call.name in self.run_methods:
                    self.last_runs[self.first_of(call).filter] = k
        self.swept = set()

    @staticmethod
    def first_of(call: Call):
        """The first ConvStep of a quick run's call (``sweep_row`` takes a list of them)."""
        return call.args[0][0] if call.name == "sweep_row" else call.args[0]

    # -- each step ------------------------------------------------------------------------------------
    def say_begin(self) -> StepText:
        t = self.trace
        c, cg = t.input.shape[0], t.channels_per_filter
        f = t.num_filters
        g = t.geometry
        bias = self.trn("It has a bias.", "Each has a bias.", f) if t.has_bias else ""
        options = []
        if g.stride != (1, 1):
            options.append(self.tr("stride {stride}", stride=self.pair(g.stride)))
        if any(g.pads):
            top, bottom, left, right = g.pads
            options.append(self.tr("padding {padding}", padding=self.pair((top, left)) if (top, left) == (bottom, right)
                                   else self.sides(g.pads)))
        if g.dilation != (1, 1):
            options.append(self.tr("dilation {dilation}", dilation=self.pair(g.dilation)))
        said_options = self.tr("It slides with {options}.", options=", ".join(options)) if options else ""
        groups = (self.tr("In {groups} groups, each filter reads {per_filter} of the {channels} input channels.",
                          groups=t.groups, per_filter=cg, channels=c) if t.groups > 1 else "")
        params = param_count(c, f, g.kernel, bias=t.has_bias, groups=t.groups)
        text = joined(self.input_sentence(), self.filters_sentence(), bias, said_options, groups,
                      self.tr("That makes {params} parameters.", params=params), self.output_sentence())
        return StepText("intro", self.tr("The layer"), text)

    def input_sentence(self) -> str:
        c, h, w = self.trace.input.shape
        return self.trn("The input has {n} channel of {h} by {w}.", "The input has {n} channels of {h} by {w}.", c,
                        h=h, w=w)

    def filters_sentence(self) -> str:
        f, cg, kh, kw = self.trace.weight.shape
        return self.trn("The layer has {n} filter of {cg} by {kh} by {kw}.", "The layer has {n} filters of {cg} by "
                        "{kh} by {kw}.", f, cg=cg, kh=kh, kw=kw)

    def output_sentence(self) -> str:
        oh, ow = self.trace.geometry.out
        return self.trn("The output has {n} map of {oh} by {ow}.", "The output has {n} maps of {oh} by {ow}.",
                        self.trace.num_filters, oh=oh, ow=ow)

    @staticmethod
    def sides(pads: tuple[int, int, int, int]) -> str:
        """Padding that differs on the sides: ``top,bottom,left,right``."""
        return ",".join(map(str, pads))

    def where(self, step) -> str:
        """Which output a detailed step works out."""
        return self.tr("Map {f}, row {row}, column {column}:", f=step.filter, row=step.oy, column=step.ox)

    @staticmethod
    def pair(values: tuple[int, int]) -> str:
        return str(values[0]) if values[0] == values[1] else f"{values[0]},{values[1]}"

    def say_show_filter(self, f: int) -> StepText:
        t = self.trace
        text = (self.tr("Filter {f}: each of its outputs starts at its bias, {bias}.", f=f,
                        bias=self.number(t.bias[f], t.layer.bias))
                if t.has_bias else self.tr("Filter {f} has no bias: each of its outputs starts at 0.", f=f))
        if self.flipped:
            text = joined(self.tr("Its kernels turn around first: convolution is correlation with the flipped "
                                  "kernel."), text)
        return StepText(f"filter-{f}", self.tr("Filter {f}", f=f), text)

    def say_bring_channel_forward(self, f: int, c: int) -> StepText:
        """Said only when the next step works this channel's window out in detail (during a sweep, silent)."""
        following = self.steps[self.step_index + 1] if self.step_index + 1 < len(self.steps) else []
        said = any(call.name == "compute_step_in_detail" for call in following)
        channel = self.trace.group_of(f) * self.trace.channels_per_filter + c
        text = self.tr("Input channel {channel} comes to the front, with the kernel that reads it.",
                       channel=channel) if said else ""
        return StepText(f"filter-{f}-channel-{channel}", self.tr("Filter {f}, channel {channel}", f=f, channel=channel),
                        text)

    def say_compute_step_in_detail(self, step) -> StepText:
        t = self.trace
        where = self.where(step)
        window = self.tr("channel {channel}'s window times the kernel gives {sum}.", channel=step.input_channel,
                         sum=self.number(step.channel_sum))
        after = self.number(step.running_after)
        single = t.channels_per_filter == 1 and not t.has_bias
        if single:
            result = self.tr("That is the output, {value}.", value=after)
        else:
            before = self.number(step.running_before)
            result = (self.tr("Added to {before}, that makes the output, {after}.", before=before, after=after)
                      if step.is_last_channel else
                      self.tr("Added to {before}, that makes {after} so far.", before=before, after=after))
        cell = output_label(step.filter, step.oy, step.ox, trace=t)
        return StepText(f"y{step.filter}-{step.oy}-{step.ox}-channel-{step.input_channel}",
                        self.tr("{cell}, channel {channel}", cell=cell, channel=step.input_channel),
                        joined(where, window, result))

    def say_sweep_step(self, step) -> StepText:
        return self.sweep(step)

    def say_sweep_row(self, steps) -> StepText:
        return self.sweep(steps[0])

    def sweep(self, first) -> StepText:
        """A filter's first quick run says the remaining windows go quickly; its last says where its outputs
        end (after it, every output of the filter holds its final value); the runs between are silent."""
        t = self.trace
        f = first.filter
        starts = f not in self.swept
        self.swept.add(f)
        ends = ""
        if self.last_runs.get(f) == self.step_index:
            outputs = [self.number(v) for v in t.output[f].ravel()]
            ends = (self.tr("Filter {f}'s outputs end at {values}.", f=f, values=", ".join(outputs))
                    if len(outputs) <= LISTED_OUTPUTS else
                    self.tr("Filter {f}'s outputs end between {low} and {high}.", f=f,
                            low=self.number(t.output[f].min()), high=self.number(t.output[f].max())))
        text = joined(self.tr("The remaining windows go quickly, each adding its window sum to its output.")
                      if starts else "", ends)
        return StepText(f"sweep-y{f}-{first.oy}-{first.ox}-channel-{first.input_channel}",
                        self.tr("Filter {f}, the other windows", f=f), text)

    def say_conclude(self) -> StepText:
        t = self.trace
        text = (self.tr("Each output is its bias plus one window sum per input channel.")
                if t.has_bias and t.channels_per_filter > 1 else
                self.tr("Each output is its bias plus the sum of its window's products.") if t.has_bias else
                self.tr("Each output is one window sum per input channel, added up.") if t.channels_per_filter > 1 else
                self.tr("Each output is the sum of its window's products."))
        return StepText("end", self.tr("Summary"), text)


class Conv1dNarrator(ConvLayerNarrator):
    """Narrates a Conv1dLayerScene: the same story, with a signal's words (channels of a length, positions)."""

    def input_sentence(self) -> str:
        c, _, length = self.trace.input.shape
        return self.trn("The input has {n} channel of length {length}.",
                        "The input has {n} channels of length {length}.", c, length=length)

    def filters_sentence(self) -> str:
        f, cg, _, k = self.trace.weight.shape
        return self.trn("The layer has {n} filter of {cg} by {k}.", "The layer has {n} filters of {cg} by {k}.", f,
                        cg=cg, k=k)

    def output_sentence(self) -> str:
        return self.trn("The output has {n} signal of length {length}.",
                        "The output has {n} signals of length {length}.", self.trace.num_filters,
                        length=self.trace.geometry.out[1])

    @staticmethod
    def pair(values: tuple[int, int]) -> str:
        """The time axis' number (the row axis of the one-row form is always 1 or 0)."""
        return str(values[1])

    @staticmethod
    def sides(pads: tuple[int, int, int, int]) -> str:
        return f"{pads[2]},{pads[3]}"

    def where(self, step) -> str:
        return self.tr("Output {f}, position {position}:", f=step.filter, position=step.ox)


__all__ = ["ConvLayerNarrator", "Conv1dNarrator", "LISTED_OUTPUTS"]
