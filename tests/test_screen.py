"""What a viewer reads, for every shipped scene and several lecture variants.

Each scene runs once (animations skipped) while every visible text and
number is recorded after each play.  Then:

- every statement's arithmetic holds at the precision written (parsed back
  independently, see statement_check.py), and a statement written with ``≈``
  only appears with the note that says why;
- every labelled total names what it shows: ``y[f,oy,ox]`` is that output's
  final value, a partial sum says so and equals the running sum, ``pixel``,
  ``row · column``, ``x[...]`` and ``index`` equal the trace;
- every text and number is at least 8 px tall at 480p and 12 px at 720p
  and lies inside the frame, after every play (screen_check.size_problems).
"""
from __future__ import annotations

import importlib.util
import inspect
import math
import re
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from screen_check import overlap_problems, recording, run, size_problems  # noqa: I001  (imports manimlib first)
from convanim.manim.rendering.batched_scene import BatchedScene
from convanim.manim.families.conv_scene import ConvLayerScene
from convanim.manim.families.feature_map_scene import FeatureMapScene
from convanim.manim.families.pipeline_scene import PipelineScene
from convanim.manim.families.backward.pool_backward_scene import PoolBackwardScene
from convanim.manim.families.pool_scene import PoolingScene
from convanim.statements import APPROXIMATE_NOTE
from convanim import FoldTrace
from statement_check import agrees, arithmetic_problems, clauses, labelled_totals, value_of

ROOT = Path(__file__).resolve().parents[1]


def scene_classes(path: Path) -> dict[str, type]:
    spec = importlib.util.spec_from_file_location(f"screen_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return {name: cls for name, cls in vars(module).items()
            if inspect.isclass(cls) and issubclass(cls, BatchedScene) and cls.__module__ == spec.name}


SHIPPED = {name: cls for path in sorted((ROOT / "scenes").glob("[!_]*.py")) for name, cls in scene_classes(path).items()}


# -- lecture variants a user would write in three lines --------------------------------------------
class FloatsTwoDecimals(ConvLayerScene):
    in_channels, out_channels = 2, 2
    input_values = np.round(np.random.default_rng(3).uniform(-1, 1, (2, 4, 4)), 4)
    weight_values = np.round(np.random.default_rng(4).uniform(-1, 1, (2, 2, 3, 3)), 4)
    bias_values = np.array([0.1234, -0.5])
    decimals, detailed_steps, order = 2, 3, "cell"


class FloatsOneDecimal(FloatsTwoDecimals):
    decimals = 1


class IntegerInputFloatWeights(ConvLayerScene):
    in_channels, out_channels, detailed_steps = 2, 1, 1
    weight_values = np.array([[[[0.5, -0.25, 0], [1, 0.5, 0.25], [0, 0, -1]]] * 2])
    bias_values = np.array([0.5])


class StridePadding(ConvLayerScene):
    in_channels, input_size, out_channels = 2, (5, 5), 2
    stride, padding, seed, detailed_steps = 2, 1, 7, 3


class Groups(ConvLayerScene):
    in_channels, out_channels, groups = 4, 2, 2
    detailed_steps = 2


class AvgPoolExcludePadOneDecimal(PoolingScene):
    mode, input_size, kernel_size, stride, padding = "avg", (5, 5), 3, 2, 1
    count_include_pad, decimals = False, 1


class MaxPoolPadding(PoolingScene):
    input_size, kernel_size, stride, padding = (4, 4), 3, 2, 1


class SmallPipeline(PipelineScene):
    input_size, kernel_size, conv_channels = 12, 3, (3, 2)  # the last stages are numbered grids


class FeatureMapsFiveByFive(FeatureMapScene):
    photo_source, filters, zoom_pixel = "generated", (("edge", 5),), (40, 60)  # 5x5 windows, 3-digit products


class AvgPoolBackwardFloats(PoolBackwardScene):
    mode, input_size, kernel_size, stride, padding = "avg", (5, 5), 3, 2, 1
    count_include_pad, decimals = False, 1
    grad_values = np.array([[0.7, -1.3, 2.2], [0.1, 1.9, -0.4], [3.1, 0.5, -2.6]])


VARIANTS = {cls.__name__: cls for cls in (AvgPoolBackwardFloats, FloatsTwoDecimals, FloatsOneDecimal, IntegerInputFloatWeights,
                                          StridePadding, Groups, AvgPoolExcludePadOneDecimal, MaxPoolPadding,
                                          SmallPipeline, FeatureMapsFiveByFive)}
ALL = {**SHIPPED, **VARIANTS}


# -- what a label must equal ------------------------------------------------------------------------
def expected_total(scene, label: str):
    """The value ``label`` names, from the scene's trace; None for labels that name no single value."""
    if m := re.fullmatch(r"\(x ([⋆∗]) k\)\[(\d+),(\d+)\]", label):  # TrueConvolution: checked against SciPy
        import scipy.signal

        function = scipy.signal.correlate2d if m.group(1) == "⋆" else scipy.signal.convolve2d
        return function(scene.x, scene.kernel, scene.mode)[int(m.group(2)), int(m.group(3))]
    if isinstance(getattr(scene, "fold", None), FoldTrace):  # BatchNormFolding: the conv's z, the batch norm's y, the folded conv's y′
        return folding_total(scene, label)
    t = getattr(scene, "trace", None)
    if (m := re.fullmatch(r"y\[(\d+),(\d+),(\d+),(\d+)\]", label)) and hasattr(scene, "volume"):  # a 3-D layer
        return scene.volume.output[tuple(int(v) for v in m.groups())]
    if getattr(t, "one_row", False):  # a 1-D layer: y[f,i] is output i of filter f
        if m := re.fullmatch(r"y\[(\d+),(\d+)\]", label):
            return t.output[int(m.group(1)), 0, int(m.group(2))]
        if m := re.fullmatch(r"after channel (\d+): y\[(\d+),(\d+)\] so far", label):
            c, f, i = (int(v) for v in m.groups())
            return t.running[f, 0, i, c - t.group_of(f) * t.channels_per_filter + 1]
    if m := re.fullmatch(r"y\[(\d+),(\d+),(\d+)\]", label):
        return t.output[tuple(int(v) for v in m.groups())]
    if m := re.fullmatch(r"after channel (\d+): y\[(\d+),(\d+),(\d+)\] so far", label):
        c, f, oy, ox = (int(v) for v in m.groups())
        return t.running[f, oy, ox, c - t.group_of(f) * t.channels_per_filter + 1]
    if m := re.fullmatch(r"y\[(\d+),(\d+)\]", label):
        return t.output[0, int(m.group(1)), int(m.group(2))]
    if m := re.fullmatch(r"pixel \((\d+), (\d+)\)", label):
        return t.output[0, int(m.group(1)), int(m.group(2))]
    if m := re.fullmatch(r"x\[(\d+),(\d+)\]", label):
        return t.input[0, int(m.group(1)), int(m.group(2))]
    if m := re.fullmatch(r"row (\d+) · column (\d+)", label):
        return scene.record.product[int(m.group(1)), int(m.group(2))]
    if m := re.fullmatch(r"Σ (R|G|B|c\d+)", label):  # a channel's window sum at the feature map's zoomed pixel
        k = "RGB".index(m.group(1)) if m.group(1) in "RGB" else int(m.group(1)[1:])
        return t.channel_sums[(0, *scene.zoom_pixel, k)]
    if m := re.fullmatch(r"b\[(\d+)\]", label):
        return scene.record.bias[int(m.group(1))]
    if m := re.fullmatch(r"dL/dw\[(\d+),(\d+),(\d+),(\d+)\]", label):
        return t.grad_weight[tuple(int(v) for v in m.groups())]
    if m := re.fullmatch(r"dL/db\[(\d+)\]", label):
        return t.grad_bias[int(m.group(1))]
    if m := re.fullmatch(r"L at step (\d+)", label):
        return scene.run.losses[int(m.group(1))]
    if m := re.fullmatch(r"dL/dw\[0,0\] at step (\d+)", label):
        return scene.run.steps[int(m.group(1))].grad_weight[0, 0, 0, 0]
    if m := re.fullmatch(r"w\[0,0\] at step (\d+)", label):
        return scene.run.steps[int(m.group(1)) - 1].new_weight[0, 0, 0, 0]
    if m := re.fullmatch(r"dL/dy\[(\d+),(\d+)\]", label):
        return t.grad_output[0, int(m.group(1)), int(m.group(2))]
    if m := re.fullmatch(r"dcols\[(\d+),(\d+)\]", label):
        # window r = (oy, ox), entry k = (c, ky, kx): Σ over filters of dL/dy[f, oy, ox] · w[f, c, ky, kx]
        (r, k), (oh, ow), (kh, kw) = (int(v) for v in m.groups()), t.geometry.out, t.geometry.kernel
        oy, ox, c, ky, kx = r // ow, r % ow, k // (kh * kw), k % (kh * kw) // kw, k % kw
        return sum(t.grad_output[f, oy, ox] * t.weight[f, c, ky, kx] for f in range(t.weight.shape[0]))
    if m := re.fullmatch(r"dL/dx\[(\d+),(\d+),(\d+)\] from dL/dy\[(\d+)\]", label):
        # filter f's part of an input cell's gradient, from the scatter view's terms
        c, y, x, f = (int(v) for v in m.groups())
        return sum(term.term for term in t.contributions(c, y, x) if term.filter == f)
    if m := re.fullmatch(r"dL/dx\[(\d+),(\d+),(\d+)\]", label):
        return t.grad_input[tuple(int(v) for v in m.groups())]
    if m := re.fullmatch(r"dL/dx\[(\d+),(\d+)\]", label):
        return t.grad_input[0, int(m.group(1)), int(m.group(2))]
    if (m := re.fullmatch(r"d\[(\d+),(\d+),(\d+)\]", label)) and hasattr(scene, "layers"):  # a first layer's output
        return scene.layers[0].output[tuple(int(v) for v in m.groups())]
    if (m := re.fullmatch(r"(.+):\s+r", label)) and hasattr(scene, "fields"):  # a stage's receptive-field size
        return next(f.size[0] for f in scene.fields if f.name == stage_of(scene, m.group(1)))
    return None


def folding_total(scene, label: str):
    """The value a BatchNormFolding label names: z, y, y′ cells, a filter's factor s or folded bias b′."""
    if m := re.fullmatch(r"(z|y|y′)\[(\d+),(\d+),(\d+)\]", label):
        maps = {"z": scene.z, "y": scene.y, "y′": scene.y_folded}[m.group(1)]
        return maps[tuple(int(v) for v in m.groups()[1:])]
    if m := re.fullmatch(r"(s|b′)\[(\d+)\]", label):
        return (scene.fold.scale if m.group(1) == "s" else scene.fold.folded.bias)[int(m.group(2))]
    return None


def stage_of(scene, shown_name: str) -> str:
    """The core's name of the stage a caption names in the scene's language ('conv 1')."""
    return next(s.name for s in scene.stages if scene.stage_name(s) == shown_name)


def partial_gradients(scene, label: str):
    """For ``dL/dx[h,w] so far``: the running sums the cell passes through before its last term."""
    m = re.fullmatch(r"dL/dx\[(\d+),(\d+)\] so far", label)
    if m is None:
        return None
    return [term.running for term in scene.trace.contributions(0, int(m.group(1)), int(m.group(2)))[:-1]]


#: Labels that state a sum whose value is checked by its arithmetic alone (their terms are on screen).
FREE_LABELS = re.compile(r"b|b′|μ|σ²|γ|β|j|u|.*:\s+o|Σ channel \d+|Σ frame \d+|Σ padding frame|Σ|index|.*parameters|parameters: .*|each output|.*: rows|.*: columns|o|"
                         r"conv: .*|.* map .*|.*starts at its bias b|.*every window.*|.*passes.*|each share")


def as_fraction(value):
    v = float(value)
    return v if not math.isfinite(v) else Fraction(v)


@pytest.fixture(scope="module")
def screens():
    cache = {}

    def get(name):
        if name not in cache:
            scene = run(recording(ALL[name]))
            cache[name] = scene
        return cache[name]
    return get


@pytest.mark.parametrize("name", list(ALL))
def test_statements_hold_and_labels_name_what_they_show(name, screens):
    scene = screens(name)
    statements = scene.screen.statements()
    problems = [p for text in statements for p in arithmetic_problems(text)]
    assert not problems, "\n".join(problems)
    for text in statements:
        for label, total in labelled_totals(text):
            try:
                value_of(total)
            except ValueError:  # words, not a number: nothing to compare
                continue
            partial = partial_gradients(scene, label)
            if partial is not None:
                assert any(agrees(as_fraction(v), total) for v in partial), f"{name}: {text!r}: not a partial sum"
                continue
            want = expected_total(scene, label)
            if want is None:
                assert FREE_LABELS.fullmatch(label), f"{name}: unknown label {label!r} in {text!r}"
                continue
            assert agrees(as_fraction(want), total), f"{name}: {text!r} but the trace says {label} = {want}"
    # "≈" appears only with the note that says why, at the same moment
    seen = scene.screen.texts()
    for s in seen:
        if " ≈ " in s.text:
            assert any(o.play == s.play and o.text == APPROXIMATE_NOTE for o in seen), s.text


@pytest.mark.parametrize("resolution", [480, 720])
@pytest.mark.parametrize("name", list(ALL))
def test_every_text_and_number_is_readable_and_inside_the_frame(name, resolution, screens):
    problems = size_problems(screens(name).screen, resolution)
    assert not problems, f"{name}:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("name", list(ALL))
def test_no_two_numbers_are_drawn_over_each_other(name, screens):
    problems = overlap_problems(screens(name).screen)
    assert not problems, f"{name}:\n" + "\n".join(problems[:20])


def test_float_layers_write_approx_where_rounded_terms_miss(screens):
    """FloatsTwoDecimals has outputs whose rounded channel sums miss the rounded total: those say ≈."""
    scene = screens("FloatsTwoDecimals")
    approx = [t for t in scene.screen.statements() if " ≈ " in t]
    exact = [t for t in scene.screen.statements() if " = " in t and " ≈ " not in t and t.startswith("y[")]
    assert approx and exact
    for text in approx:  # each ≈ is needed: evaluated as written, the '=' would not hold
        parts = clauses(text)[0]
        assert arithmetic_problems(" = ".join(p for _, p in parts[1:]))


def test_integer_arrays_are_written_without_decimals_beside_float_ones(screens):
    scene = screens("IntegerInputFloatWeights")
    front = scene.input_stack.front_grid()
    assert all("." not in n.num_string for n in front.numbers)
    assert all("." in n.num_string for n in scene.kernel_grids[0].numbers)


def test_groups_are_stated_and_each_kernel_names_its_channel(screens):
    scene = screens("Groups")
    assert "groups=2" in scene.title.text
    assert scene.filter_label.text.endswith("reads channels 2–3")  # the last filter shown reads the second group
    assert [lab.text for lab in scene.kernel_labels] == ["ch 2", "ch 3"]


def test_flagship_details_a_second_channel_joining_the_running_sum(screens):
    scene = screens("Conv3x3")
    t = scene.trace
    said = scene.screen.statements()
    b, s0, s1, s2 = t.bias[0], *t.channel_sums[0, 0, 0]
    # By the rule: partial sums are labelled as such, and the final caption is the bias plus the three sums.
    assert f"after channel 0: y[0,0,0] so far = {b} + {s0} = {b + s0}".replace("+ -", "− ") in said
    assert f"after channel 1: y[0,0,0] so far = {b} + {s0} + {s1} = {b + s0 + s1}".replace("+ -", "− ") in said
    assert f"y[0,0,0] = {b} + {s0} + {s1} + {s2} = {t.output[0, 0, 0]}".replace("+ -", "− ") in said
