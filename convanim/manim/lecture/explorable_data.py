"""What an explorable page shows, from a set-up scene: its trace's numbers and its captions' statements, as JSON.

The page (:mod:`convanim.manim.lecture.explorable_page`) does no arithmetic:
every number is written here as the scene writes it (its decimals), every
statement is the one its caption shows (:mod:`convanim.statements`, in the
scene's language), and which input cells light up for an output cell or a
weight is listed here from the trace's window coordinates.

A conv layer scene (:class:`~convanim.manim.families.conv_scene.ConvLayerScene`
and its variants, 2-D or 1-D) gives::

    input    (C, Hp, Wp) texts of the padded input; padding (Hp, Wp) True on padding;
             at [row, col] of the padded input, the unpadded (i, j) is (row - top, col - left)
    weight   (F, Cg, KH, KW) texts; reads (F, Cg) the input channel each kernel reads; bias (F,) texts or None
    output   (F, OH, OW) texts
    cells    "f,i,j" -> {window: [[c, row, col], ...] (padded coordinates), lines: [statement, ...]}
    weights  "f,c,ky,kx" -> [[c, row, col], ...]: every input cell that weight multiplies
    steps    the video's order: {cell: [f, i, j], channel: c, lines: [channel sum, running sum]}

A pooling scene gives the same with ``kind = "pool"``, no weights and no bias.
"""
from __future__ import annotations

import numpy as np

from dataclasses import replace

from convanim.statements import (channel_sum_statement, decimals_for, format_number, output_label,
                                 running_statement)


def texts(array: np.ndarray, decimals: int) -> list:
    """``array`` as nested lists of its numbers written with ``decimals`` (integers whole)."""
    places = decimals_for(array, decimals)
    return np.vectorize(lambda v: format_number(v, places), otypes=[object])(array).tolist() if array.size else []


def page_fonts(scene) -> list[str]:
    """The font families of the scene's language, in its captions' order (Thai from a Thai font, not a fallback)."""
    from convanim.languages import language_of

    return list(language_of(scene.language).fonts)


def page_words(scene) -> dict:
    """The page's own words in the scene's language."""
    return {
        "hint": scene.tr("Point at an output cell for its sum, at a weight for the input cells it multiplies; "
                         "the arrow keys step through the video's order."),
        "previous": scene.tr("previous"),
        "next": scene.tr("next"),
        "step": scene.tr("step {k} of {n}", k="{k}", n="{n}"),
        "bias": scene.tr("bias"),
    }


def conv_page_data(scene) -> dict:
    """The page of a set-up conv layer scene (``scene.setup()`` has run: ``scene.trace``, ``scene.steps``)."""
    t = scene.trace
    geometry = t.geometry
    top, _, left, _ = geometry.pads
    f_count, cg, kh, kw = t.weight.shape
    oh, ow = geometry.out
    decimals = scene.decimals
    reads = [[int(t.group_of(f) * cg + c) for c in range(cg)] for f in range(f_count)]
    spans = {(i, j): t.sources(0, i, j) for i in range(oh) for j in range(ow)}  # rows and columns: any filter's
    single = not t.has_bias and cg == 1  # the running sum is the one window's products: written once
    cells = {}
    for f in range(f_count):
        for (i, j), span in spans.items():
            window = [[reads[f][c], int(r), int(col)] for c in range(cg) for r in span.rows for col in span.cols]
            channel_steps = [t.step(f, c, i, j) for c in range(cg)]
            lines = [] if single else [str(channel_sum_statement(t, step, decimals, scene.lookup))
                                       for step in channel_steps]
            lines.append(str(running_statement(t, channel_steps[-1], decimals, scene.lookup)))
            cells[f"{f},{i},{j}"] = {"window": window, "lines": lines}
    weights = {}
    for f in range(f_count):
        for c in range(cg):
            for ky in range(kh):
                for kx in range(kw):
                    reached = sorted({(int(span.rows[ky]), int(span.cols[kx])) for span in spans.values()})
                    weights[f"{f},{c},{ky},{kx}"] = [[reads[f][c], r, col] for r, col in reached]
    steps = [{"cell": [step.filter, step.oy, step.ox], "channel": step.input_channel,
              "label": output_label(step.filter, step.oy, step.ox, trace=t),
              "lines": ([] if single else [str(channel_sum_statement(t, step, decimals, scene.lookup))])
              + [str(running_statement(t, step, decimals, scene.lookup))]}
             for step in scene.steps]
    return {
        "kind": "conv",
        "scene": type(scene).__name__,
        "language": scene.language,
        "title": scene.title_text(),
        "params": scene.params_text(),
        "settings": [scene.layer_settings(), *scene.size_formulas()],
        "words": page_words(scene),
        "fonts": page_fonts(scene),
        "colors": palette_colors(scene.palette),
        "labels": {
            "input": scene.tr("input  {shape}", shape=shape_text(scene.shown_input_shape())),
            "output": scene.tr("output  {shape}", shape=shape_text(scene.shown_output_shape())),
            "filters_title": scene.trn("{n} filter {shape}", "{n} filters {shape}", f_count,
                                       shape=shape_text(scene.shown_kernel_shape())),
            "filters": [scene.tr("filter {f}", f=f) for f in range(f_count)],
            "channels": [scene.tr("ch {channel}", channel=c) for c in range(t.input.shape[0])],
            "outputs": [f"y[{f}]" for f in range(f_count)],
        },
        "pads": [int(top), int(left)],
        "input": texts(t.padded, decimals),
        "padding": padding_of(t).tolist(),
        "weight": texts(t.weight, decimals),
        "reads": reads,
        "bias": texts(t.bias, decimals) if t.has_bias else None,
        "output": texts(t.output, decimals_for(t.padded, decimals)),
        "cells": cells,
        "weights": weights,
        "steps": steps,
    }


def pool_page_data(scene) -> dict:
    """The page of a set-up pooling scene (one channel): each output cell's window and its caption's
    statement, its note (the max's index, the cells an average leaves out) on the line before it."""
    t = scene.trace
    top, _, left, _ = t.geometry.pads
    cells, steps = {}, []
    for step in t.steps():
        statement = scene.window_statement(step)
        lines = ([statement.note] if statement.note else []) + [str(replace(statement, note=""))]
        key = f"{step.channel},{step.oy},{step.ox}"
        cells[key] = {"window": [[int(step.channel), int(r), int(col)] for r in step.rows for col in step.cols],
                      "lines": lines}
        steps.append({"cell": [int(step.channel), step.oy, step.ox], "channel": int(step.channel),
                      "label": f"y[{step.oy},{step.ox}]", "lines": lines})
    shown = scene.display_values(t.padded[0], scene.input_mask)
    input_places = decimals_for(t.input, scene.decimals)
    return {
        "kind": "pool",
        "scene": type(scene).__name__,
        "language": scene.language,
        "title": scene.title_text(),
        "params": "",
        "settings": scene.size_formulas(),
        "words": page_words(scene),
        "fonts": page_fonts(scene),
        "colors": palette_colors(scene.palette),
        "labels": {"input": scene.input_title(), "output": scene.output_title(), "channels": [""],
                   "outputs": ["y"]},
        "pads": [int(top), int(left)],
        "input": [[[format_number(v, input_places) for v in row] for row in shown]],
        "padding": scene.input_mask.tolist(),
        "weight": None,
        "bias": None,
        "output": texts(t.output, scene.num_decimals),
        "cells": cells,
        "weights": {},
        "steps": steps,
    }


def padding_of(trace) -> np.ndarray:
    """(Hp, Wp) True on the padded input's padding cells."""
    from convanim.arithmetic.padding import padding_mask

    return padding_mask(trace.geometry.input, trace.geometry.pads)


def shape_text(shape) -> str:
    from convanim.manim.mobjects.numbers import format_shape

    return format_shape(shape)


def palette_colors(palette) -> dict:
    """The scene's palette as CSS colours."""
    return {name: getattr(palette, name) for name in ("input", "kernel", "bias", "output", "padding", "product",
                                                       "text", "muted", "winner", "background")}


__all__ = ["conv_page_data", "page_words", "pool_page_data", "texts"]
