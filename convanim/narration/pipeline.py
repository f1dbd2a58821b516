"""A small CNN, stage by stage, spoken (PipelineScene and its variants, the trained and receptive-field
scenes built on it), from the stages of :func:`convanim.run_pipeline`.

Each ``apply_stage`` says what the stage does with its numbers: a conv's
filters, parameters and the size the maps shrink to; pooling's window;
ReLU; the flatten's length; the linear layer's scores and parameters; the
softmax's most probable class and its probability.  ``summarize_shapes``
says the sizes stage by stage.
"""
from __future__ import annotations

import numpy as np

from convanim.languages import lookup as catalogue_lookup
from convanim.networks.pipeline import (AvgPool, BatchNorm, Conv, Flatten, GlobalAvgPool, GlobalMaxPool, LeakyReLU,
                                       Linear, MaxPool, ReLU, Sigmoid, Softmax, Tanh, stage_name)

from .story import Narrator, StepText


def percent(p: float) -> str:
    """A probability as the scene's bars write it: one decimal place of a percentage."""
    return f"{100 * float(p):.1f}%"


class PipelineNarrator(Narrator):
    """Narrates a PipelineScene's ``stages`` in ``language``."""

    def __init__(self, stages, language: str = "en"):
        super().__init__(language)
        self.stages = stages

    def name(self, stage) -> str:
        return stage_name(stage.name, lambda message: catalogue_lookup(self.language, message))

    def say_begin(self) -> StepText:
        _, h, w = self.stages[0].shape
        return StepText("intro", self.tr("The input"), self.tr(
            "The input is a {h} by {w} picture of a digit, its values from 0 to 1.", h=h, w=w))

    def say_summarize_shapes(self) -> StepText:
        shapes = [s.shape for s in self.stages]
        if all(len(s) == 3 for s in shapes):
            return StepText("sizes", self.tr("Sizes"), self.tr(
                "Stage by stage, the maps are {sizes} cells high.", sizes=", ".join(str(s[1]) for s in shapes)))
        return StepText("sizes", self.tr("Sizes"), self.tr(
            "Stage by stage, the shapes are {shapes}.", shapes=", ".join("×".join(map(str, s)) for s in shapes)))

    def say_turn_to_stacked_view(self) -> StepText:
        return StepText("stacked", self.tr("Stacked"), self.tr(
            "Turned to the side, each stage's maps stand one behind the other."))

    def say_apply_stage(self, j: int) -> StepText:
        stage, before = self.stages[j], self.stages[j - 1]
        layer, name = stage.layer, self.name(stage)
        ident, title = f"stage-{j}", name
        if isinstance(layer, Conv):
            f, c, kh, kw = np.shape(layer.weight)
            return StepText(ident, title, self.trn(
                "{name}: {n} filter of {c} by {kh} by {kw}, {params} parameters. The maps go from {h_in} to {h_out} "
                "cells high.", "{name}: {n} filters of {c} by {kh} by {kw}, {params} parameters. The maps go from "
                "{h_in} to {h_out} cells high.", f, name=name, c=c, kh=kh, kw=kw, params=stage.params,
                h_in=before.shape[1], h_out=stage.shape[1]))
        if isinstance(layer, (MaxPool, AvgPool)):
            fields = dict(name=name, k=layer.kernel_size, h_in=before.shape[1], h_out=stage.shape[1])
            return StepText(ident, title, self.tr(
                "{name}: each {k} by {k} window keeps its largest value; the maps go from {h_in} to {h_out} cells "
                "high.", **fields) if isinstance(layer, MaxPool) else self.tr(
                "{name}: each {k} by {k} window becomes its average; the maps go from {h_in} to {h_out} cells high.",
                **fields))
        if isinstance(layer, ReLU):
            return StepText(ident, title, self.tr("{name}: every negative value becomes 0.", name=name))
        if isinstance(layer, Flatten):
            return StepText(ident, title, self.tr("{name}: the maps, {c} by {h} by {w}, become one row of {n} numbers.",
                                                  name=name, c=before.shape[0], h=before.shape[1], w=before.shape[2],
                                                  n=stage.shape[0]))
        if isinstance(layer, Linear):
            return StepText(ident, title, self.trn(
                "{name}: {n} score, the sum of {inputs} numbers times weights, plus a bias; {params} parameters.",
                "{name}: {n} scores, each the sum of {inputs} numbers times weights, plus a bias; {params} parameters.",
                stage.shape[0], name=name, inputs=np.shape(layer.weight)[1], params=stage.params))
        if isinstance(layer, Softmax):
            best = int(np.argmax(stage.output))
            return StepText(ident, title, self.tr(
                "{name}: the scores become probabilities that add up to 100%. The most probable digit is {best}, at "
                "{percent}.", name=name, best=best, percent=percent(stage.output[best])))
        return StepText(ident, title, self.say_activation(stage, before, name))

    def say_activation(self, stage, before, name: str) -> str:
        """What a batch norm, a global pooling or an activation other than ReLU does, in words."""
        layer = stage.layer
        if isinstance(layer, BatchNorm):
            return self.tr("{name}: each channel has its mean taken away and is divided by its standard deviation, "
                           "then scaled and shifted; {params} parameters.", name=name, params=stage.params)
        if isinstance(layer, GlobalAvgPool):
            return self.tr("{name}: each map of {h} by {w} becomes one number, its average.", name=name,
                           h=before.shape[1], w=before.shape[2])
        if isinstance(layer, GlobalMaxPool):
            return self.tr("{name}: each map of {h} by {w} becomes one number, its largest value.", name=name,
                           h=before.shape[1], w=before.shape[2])
        if isinstance(layer, LeakyReLU):
            return self.tr("{name}: every negative value is multiplied by {slope}.", name=name,
                           slope=f"{layer.negative_slope:g}")
        if isinstance(layer, Sigmoid):
            return self.tr("{name}: every value is squeezed between 0 and 1.", name=name)
        if isinstance(layer, Tanh):
            return self.tr("{name}: every value is squeezed between minus 1 and 1.", name=name)
        return ""


class VerdictNarrator(PipelineNarrator):
    """A trained network's pipeline, ending on its verdict against the digit's true ``label``."""

    def __init__(self, stages, label: int, language: str = "en"):
        super().__init__(stages, language)
        self.label = label

    def say_show_code_card(self) -> StepText:
        return StepText("code", self.tr("In PyTorch"), self.tr(
            "The same network in PyTorch: these lines build it with the numbers shown and compute the output shown."))

    def say_give_verdict(self) -> StepText:
        probabilities = self.stages[-1].output
        predicted = int(np.argmax(probabilities))
        fields = dict(predicted=predicted, percent=percent(probabilities[predicted]), digit=self.label,
                      truth=percent(probabilities[self.label]))
        return StepText("verdict", self.tr("The verdict"), self.tr(
            "The network answers {predicted}, at {percent}. The digit is {digit}: right.", **fields)
            if predicted == self.label else self.tr(
            "The network answers {predicted}, at {percent}. The digit is {digit}, which it gives {truth}: wrong.",
            **fields))


class ReceptiveFieldNarrator(PipelineNarrator):
    """The pipeline, then one unit of its last stage traced back to the input (``box``: the input rows and
    columns it reads) and the closed forms' answer (``field``: the last stage's ReceptiveField)."""

    def __init__(self, stages, unit: tuple[int, int], box: tuple[range, range], field, language: str = "en"):
        super().__init__(stages, language)
        self.unit, self.box, self.field = unit, box, field

    def say_trace_back(self) -> StepText:
        rows, cols = self.box
        return StepText("trace-back", self.tr("Traced back"), self.tr(
            "Follow unit {oy}, {ox} of the last stage back, stage by stage: on the input it reads rows {r0} to "
            "{r1} and columns {c0} to {c1}, {h} by {w} cells.", oy=self.unit[0], ox=self.unit[1], r0=rows.start,
            r1=rows.stop - 1, c0=cols.start, c1=cols.stop - 1, h=len(rows), w=len(cols)))

    def say_write_closed_forms(self) -> StepText:
        return StepText("closed-forms", self.tr("Closed forms"), self.tr(
            "The closed forms give each stage's field size r, jump j and start u from the stage before: the last "
            "stage sees {r} rows, its units {j} rows apart.", r=self.field.size[0], j=self.field.jump[0]))

    def say_compare_with_closed_form(self) -> StepText:
        rows = self.box[0]
        closed = self.field.cells(self.unit)[0]
        return StepText("compare", self.tr("Both agree"), self.tr(
            "The closed form gives rows {first} to {last}; the trace read rows {r0} to {r1}.",
            first=closed.start, last=closed.stop - 1, r0=rows.start, r1=rows.stop - 1))


__all__ = ["PipelineNarrator", "VerdictNarrator", "ReceptiveFieldNarrator", "percent"]
