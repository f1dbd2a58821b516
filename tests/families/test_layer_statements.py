"""What the layer does is written on screen (issue 32): ConvLayerScene states its stride, padding and dilation and
the output-size formula with its numbers while the layer is introduced.  Checked for random layers against the
options drawn here and torch's output shape, the formula's arithmetic evaluated here (not by the code that wrote
it)."""
import math
import re

import torch
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from manim_support import draws, run  # noqa: I001  (imports manimlib first)
from convanim.manim import ConvLayerScene

#: ⌊(i + 2·p − d·(k−1) − 1)/s⌋ + 1 = o, with the numbers (p may be a half: the mean of two sides).
FORMULA = re.compile(r"= ⌊\((\d+) \+ 2·(\d+(?:\.5)?) − (\d+)·\((\d+)−1\) − 1\)/(\d+)⌋ \+ 1 = (\d+)$")
SETTINGS = {"en": ("stride", "padding", "dilation"), "de": ("Schrittweite", "Padding", "Dilatation")}


def axis_value(text: str) -> tuple[int, int]:
    """``2`` -> (2, 2); ``(1, 2)`` -> (1, 2)."""
    numbers = [int(float(n)) for n in re.findall(r"\d+(?:\.\d+)?", text)]
    return (numbers[0], numbers[0]) if len(numbers) == 1 else tuple(numbers)


@st.composite
def layers(draw):
    h, w = draw(st.integers(3, 9)), draw(st.integers(3, 9))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    for i, k, p, d in ((h, kh, padding[0], dilation[0]), (w, kw, padding[1], dilation[1])):
        if i + 2 * p < d * (k - 1) + 1:
            reject()
    return {"input_size": (h, w), "kernel_size": (kh, kw), "stride": stride, "padding": padding,
            "dilation": dilation, "in_channels": draw(st.integers(1, 2)), "out_channels": 1,
            "language": draw(st.sampled_from(sorted(SETTINGS)))}


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(layers())
def test_the_introduction_states_the_layers_settings_and_output_size(options):
    scene = run(type("Drawn", (ConvLayerScene,), dict(options)), end_at_animation_number=2)
    lines = [line.text for line in scene.size_notes]
    out = torch.nn.Conv2d(options["in_channels"], 1, options["kernel_size"], options["stride"], options["padding"],
                          options["dilation"])(torch.zeros(1, options["in_channels"], *options["input_size"])).shape[2:]
    words = SETTINGS[options["language"]]
    settings_line = lines[0]
    stated = {}
    for word, value in re.findall(r"(\w+) (\(\d+, \d+\)|\d+)", settings_line):
        stated[word] = axis_value(value)
    assert stated == {words[0]: options["stride"], words[1]: options["padding"], words[2]: options["dilation"]}, \
        settings_line
    formulas = lines[1:]
    axes = [0] if len(formulas) == 1 else [0, 1]
    assert len(formulas) == len(axes)
    if len(formulas) == 1:  # one formula stands for both axes only when their numbers agree
        assert (options["input_size"][0], options["kernel_size"][0], options["stride"][0], options["padding"][0],
                options["dilation"][0]) == (options["input_size"][1], options["kernel_size"][1],
                                            options["stride"][1], options["padding"][1], options["dilation"][1])
    for axis, formula in zip(axes, formulas):
        i, p, d, k, s, o = FORMULA.search(formula).groups()
        assert (int(i), float(p), int(d), int(k), int(s)) == (
            options["input_size"][axis], options["padding"][axis], options["dilation"][axis],
            options["kernel_size"][axis], options["stride"][axis]), formula
        assert int(o) == math.floor((int(i) + 2 * float(p) - int(d) * (int(k) - 1) - 1) / int(s)) + 1 == out[axis]


def load_pooling():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "scenes" / "pooling.py"
    spec = importlib.util.spec_from_file_location("statements_pooling", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_average_pooling_past_the_edge_adds_and_counts_only_cells_that_exist():
    """ceil_mode windows that run past the input: the caption's terms are the cells torch averages (its divisor
    counts the input and the padding, never cells past the padded edge), and it says how many it left out."""
    pooling = load_pooling()

    class AvgCeil(pooling.AvgPoolIncludePad):
        input_size, kernel_size, stride, padding, ceil_mode = (4, 4), 3, 2, 0, True
        input_values = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]

    scene = run(AvgCeil)
    expected = torch.nn.functional.avg_pool2d(torch.tensor(AvgCeil.input_values, dtype=torch.float64)[None], 3, 2,
                                              ceil_mode=True, count_include_pad=True)[0]
    # worked by hand: the windows hold 9, 6, 6 and 4 cells of the 4×4 input; 0, 3, 3 and 5 lie past its edge
    cells = {(0, 0): (9, 0), (0, 1): (6, 3), (1, 0): (6, 3), (1, 1): (4, 5)}
    for step in scene.trace.steps():
        caption = scene.equation(step)
        terms = re.search(r"= \(([^)]*)\) ÷ (\d+) = ([\d.]+)", caption)
        values = [int(v) for v in terms.group(1).split(" + ")]
        count, past = cells[(step.oy, step.ox)]
        assert len(values) == int(terms.group(2)) == count, caption
        assert float(terms.group(3)) == round(sum(values) / count, 2) == round(float(expected[step.oy, step.ox]), 2)
        assert (f"{past} cells past the edge not counted" in caption) == (past > 0), caption


def test_the_pooling_title_and_formula_state_dilation_and_both_axes():
    pooling = load_pooling()

    class MaxDilated(pooling.MaxPool2x2):
        input_size, kernel_size, stride, dilation = (6, 7), (2, 3), (2, 1), 2

    scene = run(MaxDilated)
    assert "stride (2, 1)" in scene.title.text and "dilation 2" in scene.title.text, scene.title.text
    out = torch.nn.functional.max_pool2d(torch.zeros(1, 6, 7), (2, 3), (2, 1), dilation=2).shape[1:]
    formulas = [line.text for line in scene.formula]
    assert formulas[0].startswith("rows: ") and formulas[1].startswith("columns: ")
    for axis, formula in enumerate(formulas):
        i, p, d, k, s, o = FORMULA.search(formula).groups()
        assert (int(i), float(p), int(d), int(k), int(s)) == ((6, 7)[axis], 0, 2, (2, 3)[axis], (2, 1)[axis])
        assert int(o) == out[axis]


def test_every_sum_label_of_a_grouped_layer_names_the_input_channel_its_window_reads():
    """``Σ channel c`` was exempt from the label check (issue 32: a label naming the wrong channel of a grouped
    layer passed, and no grouped variant detailed a filter beyond the first group).  Every step is detailed
    here, and each label is checked against the channel worked out by hand: filter f of F belongs to group
    f // (F / groups), whose channels start at group · C / groups."""
    labels = []

    class Grouped(ConvLayerScene):
        in_channels, out_channels, groups, input_size, kernel_size = 4, 4, 2, (3, 3), (2, 2)
        detailed_steps = 10_000
        use_bias = False

        def collapse_products(self, step):
            super().collapse_products(step)
            labels.append((step.filter, step.channel, step.oy, step.ox, self.sum_label.text, self.sum_number.copy()))

    scene = run(Grouped)
    x = torch.tensor(scene.trace.input, dtype=torch.float64)
    w = torch.tensor(scene.trace.layer.weight, dtype=torch.float64)
    assert {f for f, *_ in labels} == {0, 1, 2, 3}  # filters of both groups, in detail
    seen = set()
    for f, local, oy, ox, text, number in labels:
        group = f // (4 // 2)
        channel = group * (4 // 2) + local
        assert text == f"Σ channel {channel}", (f, local, text)
        window_sum = torch.nn.functional.conv2d(x[channel][None, None], w[f, local][None, None])[0, 0, oy, ox]
        assert draws(number, int(window_sum)), (f, channel, oy, ox, float(window_sum))  # the sum under the label
        seen.add(channel)
    assert seen == {0, 1, 2, 3}
