"""The conv layer's spoken story: every number it says checked against PyTorch, in every language; cue files."""
import re
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from statement_check import LANGUAGES, numbers  # noqa: F401
import convanim as ca
from convanim.narration import BEGIN, Call, Cue, read_srt, read_webvtt, write_srt, write_webvtt
from convanim.narration.conv_layer import LISTED_OUTPUTS, ConvLayerNarrator


def layer(seed, floats=False):
    rng = np.random.default_rng(seed)
    c, f = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    h, w = int(rng.integers(4, 7)), int(rng.integers(4, 7))
    k = int(rng.integers(1, 4))
    stride, padding, dilation = int(rng.integers(1, 3)), int(rng.integers(0, 2)), int(rng.integers(1, 3))
    if floats:
        x, wt, b = rng.normal(size=(c, h, w)), rng.normal(size=(f, c, k, k)), rng.normal(size=f)
    else:
        x, wt, b = rng.integers(-9, 10, (c, h, w)), rng.integers(-3, 4, (f, c, k, k)), rng.integers(-20, 50, f)
    return x, wt, b, dict(stride=stride, padding=padding, dilation=dilation)


def story(trace, detailed=3):
    """The calls a ConvLayerScene makes, in its default order (each step its own story step): the opening,
    each filter, each channel brought forward, the first ``detailed`` steps in detail, then one quick run
    per (filter, channel), the conclusion."""
    steps = [[Call(BEGIN)]]
    shown, front, run = None, None, None
    for n, step in enumerate(trace.steps("channel")):
        if step.filter != shown:
            steps.append([Call("show_filter", (step.filter,))])
            shown, front = step.filter, None
        if step.channel != front:
            steps.append([Call("bring_channel_forward", (step.filter, step.channel))])
            front, run = step.channel, None
        run = detailed_or_run(steps, run, n < detailed, "compute_step_in_detail", "sweep_step", step)
    return steps + [[Call("conclude")]]


def detailed_or_run(steps, run, detailed: bool, detail_name: str, run_name: str, step):
    """Append ``step`` as a detailed step of its own, or to the current run of quick steps (a new one when there
    is none); returns the run now open (None after a detailed step)."""
    if detailed:
        steps.append([Call(detail_name, (step,))])
        return None
    if run is None:
        run = []
        steps.append(run)
    run.append(Call(run_name, (step,)))
    return run


def channel_sum(x, wt, options, f, ic, c, oy, ox):
    """Channel c of filter f (input channel ic) over the window of (oy, ox), by torch."""
    out = F.conv2d(torch.tensor(x[None, ic:ic + 1], dtype=torch.float64),
                   torch.tensor(wt[f:f + 1, c:c + 1], dtype=torch.float64), **options)
    return float(out[0, 0, oy, ox])


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("floats", [False, True])
def test_every_number_said_is_torchs(seed, floats):
    x, wt, b, options = layer(seed, floats)
    decimals = 2
    trace = ca.trace_conv2d(x, wt, b, **options)
    expected = F.conv2d(torch.tensor(x[None], dtype=torch.float64), torch.tensor(wt, dtype=torch.float64),
                        torch.tensor(b, dtype=torch.float64), **options)[0].numpy()
    tolerance = 0 if not floats else 0.5 * 10 ** -decimals + 1e-9
    steps = story(trace)
    texts = ConvLayerNarrator(trace, decimals).narrate(steps)
    assert len(texts) == len(steps) and len({t.id for t in texts}) == len(texts)
    f_count, c, kh, kw = wt.shape
    said = numbers(texts[0].text)
    h, w = x.shape[1:]
    params = f_count * c * kh * kw + f_count  # by hand: weights and one bias per filter
    assert said[:3] == [c, h, w] and said[3:7] == [f_count, c, kh, kw]
    assert params in said and said[-3:] == [f_count, *expected.shape[1:]]
    for calls, text in zip(steps, texts):
        call = calls[0]
        if call.name == "show_filter":
            f = call.args[0]
            assert numbers(text.text) == pytest.approx([f, b[f]], abs=tolerance)
        if call.name == "compute_step_in_detail":
            step = call.args[0]
            f, oy, ox, ch = step.filter, step.oy, step.ox, step.channel
            sums = [channel_sum(x, wt, options, f, k, k, oy, ox) for k in range(c)]
            before = b[f] + sum(sums[:ch])
            assert numbers(text.text) == pytest.approx([f, oy, ox, ch, sums[ch], before, before + sums[ch]],
                                                       abs=tolerance)
            if ch == c - 1:
                assert before + sums[ch] == pytest.approx(expected[f, oy, ox], abs=1e-9)
        if call.name == "sweep_step" and text.text and "end" in text.text.split(". ")[-1]:
            f = call.args[0].filter
            values = expected[f].ravel()
            said = numbers(text.text.split(". ")[-1])
            if len(values) <= LISTED_OUTPUTS:
                assert said == pytest.approx([f, *values], abs=tolerance)
            else:
                assert said == pytest.approx([f, values.min(), values.max()], abs=tolerance)
    finals = {call.args[0].filter for calls, t in zip(steps, texts) for call in calls[:1]
              if call.name == "sweep_step" and "end" in t.text}
    swept = {call.args[0].filter for calls in steps for call in calls if call.name == "sweep_step"}
    assert finals == swept  # every filter with a sweep says where its outputs end


def test_the_first_output_tells_its_running_sum_from_the_bias():
    """Hand-worked: one channel 2×2 of ones ⊛ 2×2 of twos = 8, bias 5: 'gives 8', 'Added to 5, … 13'."""
    trace = ca.trace_conv2d(np.ones((2, 2, 2), dtype=int), np.full((1, 2, 2, 2), 2), np.array([5]))
    steps = story(trace, detailed=2)
    texts = {t.id: t.text for t in ConvLayerNarrator(trace, 0).narrate(steps)}
    assert texts["y0-0-0-channel-0"] == ("Map 0, row 0, column 0: channel 0's window times the kernel gives 8. "
                                         "Added to 5, that makes 13 so far.")
    assert texts["y0-0-0-channel-1"].endswith("Added to 13, that makes the output, 21.")
    assert texts["filter-0"] == "Filter 0: each of its outputs starts at its bias, 5."
    assert "That makes 9 parameters." in texts["intro"]  # 1·2·2·2 weights + 1 bias


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_language_says_the_same_numbers(language):
    x, wt, b, options = layer(3)
    trace = ca.trace_conv2d(x, wt, b, **options)
    english = ConvLayerNarrator(trace, 2, "en").narrate(story(trace))
    other = ConvLayerNarrator(trace, 2, language).narrate(story(trace))
    assert [t.id for t in english] == [t.id for t in other]
    for e, o in zip(english, other):
        assert sorted(numbers(e.text)) == sorted(numbers(o.text)), (e.id, e.text, o.text)
        assert not o.text or o.text != e.text  # translated, not English left in
        assert re.search(r"[A-Za-z]{3,}", o.text) is None or language == "de"


def test_cue_files_round_trip(tmp_path):
    cues = [Cue("intro", 0, 1.3, "The input has 2 channels."), Cue("y0-0-0-channel-0", 1.3, 3723.0416, "a\n\nb")]
    vtt = (tmp_path / "a.vtt")
    write_webvtt(cues, vtt)
    assert vtt.read_text().splitlines()[:6] == ["WEBVTT", "", "intro", "00:00:00.000 --> 00:00:01.300 line:0",
                                                "The input has 2 channels.", ""]
    assert "01:02:03.042" in vtt.read_text()  # 3723.0416 s, to the millisecond
    back = read_webvtt(vtt)
    assert [c.id for c in back] == ["intro", "y0-0-0-channel-0"] and back[1].text == "a b"
    assert back[1].start == 1.3 and back[1].end == pytest.approx(3723.042)
    srt = tmp_path / "a.srt"
    write_srt(cues, srt)
    assert srt.read_text().startswith("1\n00:00:00,000 --> 00:00:01,300\n")
    assert [c.end for c in read_srt(srt)] == [1.3, pytest.approx(3723.042)]


@pytest.mark.parametrize("text, message", [
    ("hello", "not a WebVTT file"),
    ("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nno id", "has no step id"),
    ("WEBVTT\n\nintro\n00:00 --> 1\ntext", "valid timing"),
])
def test_a_bad_script_is_named(tmp_path, text, message):
    from convanim.narration import ScriptError
    path = tmp_path / "bad.vtt"
    path.write_text(text)
    with pytest.raises(ScriptError, match=message) as err:
        read_webvtt(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def pool_story(trace, detailed=3):
    steps = [[Call(BEGIN)]]
    run = None
    for n, step in enumerate(trace.steps()):
        run = detailed_or_run(steps, run, n < detailed, "explain_window", "sweep_window", step)
    return steps + [[Call("mark_unvisited_cells")]]


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pooling_says_torchs_numbers(seed, mode):
    from convanim.narration.pooling import PoolNarrator
    rng = np.random.default_rng(seed)
    h, w, k = int(rng.integers(4, 7)), int(rng.integers(4, 7)), int(rng.integers(2, 4))
    stride, padding = int(rng.integers(1, 3)), int(rng.integers(0, k // 2 + 1))
    include = bool(rng.integers(0, 2))
    x = rng.integers(-9, 10, (1, h, w))
    options = dict(kernel_size=k, stride=stride, padding=padding)
    trace = ca.trace_pool2d(x, k, mode, stride, padding, 1, False, include, None)
    t = torch.tensor(x[None], dtype=torch.float64)
    if mode == "max":
        expected, indices = F.max_pool2d(t, return_indices=True, **options)
        expected, indices = expected[0, 0].numpy(), indices[0, 0].numpy()
    else:
        expected = F.avg_pool2d(t, count_include_pad=include, **options)[0, 0].numpy()
        sums = F.avg_pool2d(t, divisor_override=1, **options)[0, 0].numpy()  # padding adds zeros
        ones = torch.ones_like(t) if not include else F.pad(torch.ones_like(t), [padding] * 4, value=1.0)
        counts = F.avg_pool2d(ones, divisor_override=1, **{**options, "padding": 0 if include else padding})[0, 0]
    decimals = 0 if mode == "max" else 2
    unvisited = int((trace.coverage() == 0).sum())
    texts = PoolNarrator(trace, decimals, include or mode == "max", unvisited).narrate(pool_story(trace))
    said = numbers(texts[0].text)
    assert said == [k, k, stride, padding, h, w, *expected.shape]
    tolerance = 0.005 + 1e-9
    for calls, text in zip(pool_story(trace), texts):
        call = calls[0]
        if call.name == "explain_window":
            oy, ox = call.args[0].oy, call.args[0].ox
            if mode == "max":
                index = int(indices[oy, ox])
                assert numbers(text.text) == [oy, ox, expected[oy, ox], index // w, index % w, index]
            else:
                assert numbers(text.text) == pytest.approx([oy, ox, sums[oy, ox], float(counts[oy, ox]),
                                                            expected[oy, ox]], abs=tolerance)
        if call.name == "sweep_window":
            said = numbers(text.text)
            values = expected.ravel()
            assert said == pytest.approx(list(values) if len(values) <= 9 else [values.min(), values.max()],
                                         abs=tolerance)
        if call.name == "mark_unvisited_cells":
            assert numbers(text.text) == ([unvisited] if unvisited else [])


@pytest.mark.parametrize("seed", range(10))
def test_the_scatter_view_says_torchs_numbers(seed):
    from convanim.narration.transposed import ScatterNarrator
    rng = np.random.default_rng(seed)
    h, k = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    stride = int(rng.integers(1, 3))
    padding = int(rng.integers(0, k))
    output_padding = int(rng.integers(0, stride))
    x, wt = rng.integers(-3, 4, (1, h, h)), rng.integers(-2, 3, (1, 1, k, k))
    trace = ca.trace_conv_transpose2d(x, wt, None, stride, padding, output_padding)
    expected = F.conv_transpose2d(torch.tensor(x[None], dtype=torch.float64), torch.tensor(wt, dtype=torch.float64),
                                  stride=stride, padding=padding, output_padding=output_padding)[0, 0].numpy()
    oh = expected.shape[0]
    steps = [[Call(BEGIN)]] + [[Call("scatter_in_detail", (s,))] for s in trace.steps()]
    steps += [[Call("scatter_quickly", (next(iter(trace.steps())),))]]
    texts = ScatterNarrator(trace, 0).narrate(steps)
    assert numbers(texts[0].text) == [k, k, stride, padding, output_padding, h, h, oh, oh]
    for calls, text in zip(steps[1:-1], texts[1:-1]):
        step = calls[0].args[0]
        reach = [step.iy * stride - padding + ky for ky in range(k)]  # by hand: where each tap lands
        rows = [r for r in reach if 0 <= r < oh]
        cols = [step.ix * stride - padding + kx for kx in range(k)]
        cols = [c for c in cols if 0 <= c < oh]
        outside = k * k - len(rows) * len(cols)
        span = lambda v: [v[0]] if len(v) == 1 else [v[0], v[-1]]
        assert numbers(text.text) == [step.iy, step.ix, x[0, step.iy, step.ix], *span(rows), *span(cols),
                                      *([outside] if outside else [])]
    values = expected.ravel()
    assert numbers(texts[-1].text) == (list(values) if len(values) <= 9 else [values.min(), values.max()])


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_pooling_and_scatter_say_the_same_numbers_in_every_language(language):
    from convanim.narration.pooling import PoolNarrator
    from convanim.narration.transposed import ScatterNarrator
    pool = ca.trace_pool2d(np.arange(25).reshape(1, 5, 5) % 7, 3, "avg", 2, 1, 1, False, False, None)
    scatter = ca.trace_conv_transpose2d(np.arange(4).reshape(1, 2, 2), np.ones((1, 1, 3, 3), dtype=int), None, 2, 1, 1)
    stories = [(lambda lang: PoolNarrator(pool, 2, False, 0, lang), pool_story(pool)),
               (lambda lang: ScatterNarrator(scatter, 0, lang),
                [[Call(BEGIN)]] + [[Call("scatter_in_detail", (s,))] for s in scatter.steps()]
                + [[Call("scatter_quickly", (next(iter(scatter.steps())),))]])]
    for narrator, steps in stories:
        english, other = narrator("en").narrate(steps), narrator(language).narrate(steps)
        for e, o in zip(english, other):
            assert sorted(numbers(e.text)) == sorted(numbers(o.text)), (e.text, o.text)
            assert not o.text or o.text != e.text


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("mode", ["zeros", "reflect"])
def test_the_backward_pass_says_autograds_numbers(seed, mode):
    from convanim.narration.conv_backward import ConvBackwardNarrator
    rng = np.random.default_rng(seed)
    c, f, h, k = int(rng.integers(1, 3)), int(rng.integers(1, 3)), int(rng.integers(4, 6)), int(rng.integers(2, 4))
    stride, padding = int(rng.integers(1, 3)), int(rng.integers(0, 2))
    x, wt = rng.integers(-3, 4, (1, c, h, h)), rng.integers(-2, 3, (f, c, k, k))
    oh = (h + 2 * padding - k) // stride + 1
    grad = rng.integers(-2, 3, (1, f, oh, oh))
    trace = ca.trace_conv2d_backward(x, wt, grad, stride, padding, padding_mode=mode)
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt_t = torch.tensor(wt, dtype=torch.float64, requires_grad=True)
    bt = torch.zeros(f, dtype=torch.float64, requires_grad=True)
    padded = F.pad(xt, [padding] * 4, mode="constant" if mode == "zeros" else mode)
    F.conv2d(padded, wt_t, bt, stride=stride).backward(torch.tensor(grad, dtype=torch.float64))
    steps = [[Call(BEGIN)]]
    for fi in range(f):
        steps += [[Call("show_filter", (fi,))]] if fi else []
        steps += [[Call("sum_bias_gradient", (fi,))]]
        steps += [[Call("show_channel", (fi, ci)), Call("sum_weight_gradients", (fi, ci))] for ci in range(c)]
    steps += [[Call("conclude")], [Call("scatter_input_gradient", (0,))], [Call("release_padding", (0,))]]
    texts = ConvBackwardNarrator(trace, 2, True).narrate(steps)
    for calls, text in zip(steps, texts):
        name, args = calls[-1].name, calls[-1].args
        if name == "sum_bias_gradient":
            assert numbers(text.text) == [args[0], args[0], float(bt.grad[args[0]])]
        if name == "sum_weight_gradients":
            fi, ci = args
            assert numbers(text.text) == [fi, ci, oh * oh, 0, 0, float(wt_t.grad[fi, ci, 0, 0])]
        if name == "release_padding" and mode != "zeros":
            assert numbers(text.text)[-1] == float(xt.grad[0, 0, 0, 0])  # the final dL/dx, after the fold
    if mode == "zeros" or not padding:
        before_fold = numbers(texts[-2].text)[-1]
        assert before_fold == float(xt.grad[0, 0, 0, 0])  # zero padding: nothing folds back


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_the_backward_pass_says_the_same_numbers_in_every_language(language):
    from convanim.narration.conv_backward import ConvBackwardNarrator
    trace = ca.trace_conv2d_backward(np.arange(32).reshape(2, 4, 4) % 5, np.ones((2, 2, 3, 3), dtype=int),
                                     np.arange(32).reshape(2, 4, 4) % 3 - 1, 1, 1, padding_mode="reflect")
    steps = [[Call(BEGIN)], [Call("sum_bias_gradient", (0,))], [Call("sum_weight_gradients", (0, 1))],
             [Call("conclude")], [Call("scatter_input_gradient", (1,))], [Call("release_padding", (1,))]]
    english = ConvBackwardNarrator(trace, 2, True, "en").narrate(steps)
    other = ConvBackwardNarrator(trace, 2, True, language).narrate(steps)
    for e, o in zip(english, other):
        assert sorted(numbers(e.text)) == sorted(numbers(o.text)), (e.text, o.text)
        assert o.text != e.text


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pooling_backward_says_autograds_numbers(seed, mode):
    from convanim.narration.pool_backward import PoolBackwardNarrator
    rng = np.random.default_rng(seed)
    h, k = int(rng.integers(4, 7)), int(rng.integers(2, 4))
    stride, padding = int(rng.integers(1, 3)), int(rng.integers(0, k // 2 + 1))
    x = rng.permutation(h * h).reshape(1, h, h)  # distinct values: one winner per window
    options = dict(kernel_size=k, stride=stride, padding=padding)
    xt = torch.tensor(x[None], dtype=torch.float64, requires_grad=True)
    if mode == "max":
        out, indices = F.max_pool2d(xt, return_indices=True, **options)
    else:
        out = F.avg_pool2d(xt, **options)  # count_include_pad=True
    grad = rng.integers(-3, 4, out.shape[1:])
    out.backward(torch.tensor(grad[None], dtype=torch.float64))
    trace = ca.trace_pool2d_backward(x, grad, k, mode, stride, padding)
    steps = [[Call(BEGIN)]] + [[Call("send_back_in_detail", (s,))] for s in trace.forward.steps()] + [[Call("conclude")]]
    texts = PoolBackwardNarrator(trace, 2).narrate(steps)
    oh, ow = out.shape[2:]
    received = {}
    for calls, text in zip(steps[1:-1], texts[1:-1]):
        step = calls[0].args[0]
        g = grad[0, step.oy, step.ox]
        if mode == "max":
            index = int(indices[0, 0, step.oy, step.ox])
            received[index] = received.get(index, 0) + g  # the winner's gradient so far, window by window
            assert numbers(text.text) == [step.oy, step.ox, g, index // h, index % h, received[index]]
        else:
            y0, x0 = step.oy * stride - padding, step.ox * stride - padding
            inside = (min(y0 + k, h) - max(y0, 0)) * (min(x0 + k, h) - max(x0, 0))  # input cells of the window
            assert numbers(text.text) == pytest.approx([step.oy, step.ox, g, k * k, inside, g / (k * k)], abs=0.005)
    final = xt.grad[0, 0].numpy()
    assert numbers(texts[-1].text)[-2:] == pytest.approx([final.min(), final.max()], abs=0.005)


@pytest.mark.parametrize("language", LANGUAGES[1:])
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pooling_backward_says_the_same_numbers_in_every_language(language, mode):
    from convanim.narration.pool_backward import PoolBackwardNarrator
    trace = ca.trace_pool2d_backward(np.arange(25).reshape(1, 5, 5), np.array([[[1, -2, 0], [3, 1, 2], [0, 0, -1]]]),
                                     3, mode, 2, 1)
    steps = [[Call(BEGIN)]] + [[Call("send_back_in_detail", (s,))] for s in trace.forward.steps()] + [[Call("conclude")]]
    english = PoolBackwardNarrator(trace, 2, "en").narrate(steps)
    other = PoolBackwardNarrator(trace, 2, language).narrate(steps)
    for e, o in zip(english, other):
        assert sorted(numbers(e.text)) == sorted(numbers(o.text)), (e.text, o.text)
        assert o.text != e.text


@pytest.mark.parametrize("seed", range(6))
def test_im2col_says_torchs_numbers(seed):
    from convanim.arithmetic.im2col import im2col_conv2d
    from convanim.narration.im2col import Im2ColNarrator
    rng = np.random.default_rng(seed)
    c, f, h, k = int(rng.integers(1, 3)), int(rng.integers(1, 3)), int(rng.integers(3, 6)), int(rng.integers(2, 4))
    x, wt, b = rng.integers(-5, 6, (c, h, h)), rng.integers(-2, 3, (f, c, k, k)), rng.integers(-9, 10, f)
    record = im2col_conv2d(x, wt, b)
    expected = F.conv2d(torch.tensor(x[None], dtype=torch.float64), torch.tensor(wt, dtype=torch.float64))[0]
    names = ["unroll_windows", "flatten_filters", "multiply_rows_by_columns", "add_bias", "fold_into_maps", "conclude"]
    steps = [[Call(BEGIN)]] + [[Call(name)] for name in names]
    said = [numbers(t.text) for t in Im2ColNarrator(record, x.shape, 0).narrate(steps)]
    windows, size, oh = expected.shape[1] * expected.shape[2], c * k * k, expected.shape[1]
    assert said[0] == [windows, size, c, k, k]
    assert said[2] == [size]
    assert said[3] == [0, 0, float(expected[0, 0, 0])]  # row 0 (window (0, 0)) · column 0 (filter 0), no bias yet
    assert said[4] == list(b)
    assert said[5] == [windows, oh, oh]
    assert said[6] == [windows, size, size, f]


def test_the_loop_orders_count_their_passes():
    from convanim.narration.im2col import LoopOrdersNarrator
    texts = LoopOrdersNarrator(4, 16, (28, 5, 25, 576)).narrate(
        [[Call(BEGIN)], [Call("run_both_loops")], [Call("compare_matrices")]])
    assert numbers(texts[1].text) == [4, 16] and numbers(texts[2].text) == [28, 28, 5, 5, 25, 576]  # 5·5; 24·24


def test_the_loop_orders_scene_counts_what_it_shows():
    """The numbers the scene gives its narrator, by hand: a 5×5 input and a 2×2 kernel have 4 taps and 16
    windows; the book's 28×28 with a 5×5 kernel, 25 taps and 24·24 = 576 windows."""
    from manim_support import run
    from manim_support import load_scene as load
    scene = run(load(Path(__file__).resolve().parents[2] / "scenes" / "im2col.py", "Im2ColLoopOrders"))
    narrator = scene.narrator("en")
    assert (narrator.taps, narrator.windows, narrator.book) == (4, 16, (28, 5, 25, 576))


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_im2col_says_the_same_numbers_in_every_language(language):
    from convanim.arithmetic.im2col import im2col_conv2d
    from convanim.narration.im2col import Im2ColNarrator, LoopOrdersNarrator
    record = im2col_conv2d(np.arange(18).reshape(2, 3, 3), np.ones((2, 2, 2, 2), dtype=int), np.array([3, -4]))
    names = ["unroll_windows", "flatten_filters", "multiply_rows_by_columns", "add_bias", "fold_into_maps", "conclude"]
    stories = [(lambda lang: Im2ColNarrator(record, (2, 3, 3), 0, lang), [[Call(BEGIN)]] + [[Call(n)] for n in names]),
               (lambda lang: LoopOrdersNarrator(4, 16, (28, 5, 25, 576), lang),
                [[Call(BEGIN)], [Call("run_both_loops")], [Call("compare_matrices")]])]
    for narrator, steps in stories:
        for e, o in zip(narrator("en").narrate(steps), narrator(language).narrate(steps)):
            assert sorted(numbers(e.text)) == sorted(numbers(o.text)), (e.text, o.text)
            assert o.text != e.text


def torch_network(layers, x):
    """The pipeline's layers run by torch: each stage's output, for shapes and the softmax."""
    from convanim.networks.pipeline import Conv, Flatten, Linear, MaxPool, ReLU, Softmax
    out, outputs = torch.tensor(x[None], dtype=torch.float64), []
    for layer in layers:
        if isinstance(layer, Conv):
            out = F.conv2d(out, torch.tensor(layer.weight), torch.tensor(layer.bias), stride=layer.stride,
                           dilation=layer.dilation)
        elif isinstance(layer, ReLU):
            out = F.relu(out)
        elif isinstance(layer, MaxPool):
            out = F.max_pool2d(out, layer.kernel_size)
        elif isinstance(layer, Flatten):
            out = out.flatten(1)
        elif isinstance(layer, Linear):
            out = F.linear(out, torch.tensor(layer.weight), torch.tensor(layer.bias))
        elif isinstance(layer, Softmax):
            out = F.softmax(out, dim=1)
        outputs.append(out[0])
    return outputs


@pytest.mark.parametrize("seed", range(5))
def test_the_pipeline_says_torchs_numbers(seed):
    from convanim.narration.pipeline import VerdictNarrator
    from convanim.networks.pipeline import Conv, Flatten, Linear, MaxPool, ReLU, Softmax
    rng = np.random.default_rng(seed)
    f, k, h = int(rng.integers(2, 5)), int(rng.integers(2, 4)), int(rng.integers(8, 12))
    pooled = (h - k + 1) // 2
    layers = [Conv(rng.normal(size=(f, 1, k, k)), rng.normal(size=f)), ReLU(), MaxPool(2), Flatten(),
              Linear(rng.normal(size=(10, f * pooled * pooled)), rng.normal(size=10)), Softmax()]
    x = rng.random((1, h, h))
    stages = ca.run_pipeline(x, layers)
    outputs = torch_network(layers, x)
    label = int(rng.integers(0, 10))
    steps = [[Call(BEGIN)]] + [[Call("apply_stage", (j,))] for j in range(1, len(stages))]
    steps += [[Call("summarize_shapes")], [Call("give_verdict")]]
    said = [numbers(t.text) for t in VerdictNarrator(stages, label).narrate(steps)]
    assert said[0] == [h, h, 0, 1]
    assert said[1] == [1, f, 1, k, k, f * k * k + f, h, outputs[0].shape[1]]  # parameters by hand
    assert said[3] == [1, 2, 2, outputs[1].shape[1], outputs[2].shape[1]]
    assert said[4] == [1, f, pooled, pooled, outputs[3].shape[0]]
    assert said[5] == [1, 10, f * pooled * pooled, 10 * f * pooled * pooled + 10]
    probabilities = outputs[5].numpy()
    best = int(np.argmax(probabilities))
    assert said[6] == pytest.approx([1, 100, best, round(100 * probabilities[best], 1)], abs=1e-9)
    truth = [label, round(100 * probabilities[label], 1)] if label != best else [label]
    assert said[8] == pytest.approx([best, round(100 * probabilities[best], 1), *truth], abs=1e-9)


@pytest.mark.parametrize("unit", [(0, 0), (1, 2), (3, 1)])
def test_the_receptive_field_says_the_cells_autograd_reaches(unit):
    from convanim.narration.pipeline import ReceptiveFieldNarrator
    from convanim.networks.pipeline import Conv, ReLU
    from convanim.networks.receptive_field import receptive_box, receptive_field
    layers = [Conv(np.ones((2, 1, 3, 3)), np.zeros(2), dilation=2), ReLU(), Conv(np.ones((2, 2, 3, 3)), np.zeros(2),
                                                                               stride=2)]
    x = np.ones((1, 15, 15))
    stages = ca.run_pipeline(x, layers)
    xt = torch.tensor(x[None], requires_grad=True)
    out = F.conv2d(F.relu(F.conv2d(xt, torch.ones(2, 1, 3, 3, dtype=torch.float64), dilation=2)),
                   torch.ones(2, 2, 3, 3, dtype=torch.float64), stride=2)
    out[0, 0, unit[0], unit[1]].backward()
    rows, cols = np.nonzero(xt.grad[0, 0].numpy())  # the input cells the unit depends on
    box = receptive_box(layers, (15, 15), unit)
    field = receptive_field(layers, (15, 15))[-1]
    steps = [[Call("trace_back")], [Call("write_closed_forms")], [Call("compare_with_closed_form")]]
    said = [numbers(t.text) for t in ReceptiveFieldNarrator(stages, unit, box, field).narrate(steps)]
    h, w = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
    assert said[0] == [*unit, rows.min(), rows.max(), cols.min(), cols.max(), h, w]
    assert said[1] == [h, 2]  # r: the rows autograd reached (no padding clips them); j: the stride-2 conv's 2
    assert said[2] == [rows.min(), rows.max(), rows.min(), rows.max()]


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_the_pipeline_says_the_same_numbers_in_every_language(language):
    from convanim.narration.pipeline import ReceptiveFieldNarrator, VerdictNarrator
    from convanim.networks.pipeline import AvgPool, Conv, Flatten, Linear, MaxPool, ReLU, Softmax
    from convanim.networks.receptive_field import receptive_box, receptive_field
    rng = np.random.default_rng(1)
    layers = [Conv(rng.normal(size=(2, 1, 3, 3)), np.zeros(2)), ReLU(), MaxPool(2), AvgPool(2), Flatten(),
              Linear(rng.normal(size=(10, 8)), np.zeros(10)), Softmax()]
    stages = ca.run_pipeline(rng.random((1, 10, 10)), layers)
    steps = [[Call(BEGIN)]] + [[Call("apply_stage", (j,))] for j in range(1, len(stages))]
    steps += [[Call("summarize_shapes")], [Call("give_verdict")], [Call("turn_to_stacked_view")]]
    stories = [(lambda lang: VerdictNarrator(stages, 3, lang), steps)]
    conv_layers = layers[:3]
    conv_stages = ca.run_pipeline(np.ones((1, 10, 10)), conv_layers)
    field = (conv_layers, receptive_box(conv_layers, (10, 10), (1, 1)), receptive_field(conv_layers, (10, 10))[-1])
    stories.append((lambda lang: ReceptiveFieldNarrator(conv_stages, (1, 1), field[1], field[2], lang),
                    [[Call("trace_back")], [Call("write_closed_forms")], [Call("compare_with_closed_form")]]))
    for narrator, story_steps in stories:
        for e, o in zip(narrator("en").narrate(story_steps), narrator(language).narrate(story_steps)):
            assert sorted(numbers(e.text)) == sorted(numbers(o.text)), (e.text, o.text)
            assert o.text != e.text


@pytest.mark.parametrize("seed", range(5))
def test_volumes_say_torchs_numbers(seed):
    from convanim.narration.volumes import VolumeNarrator
    rng = np.random.default_rng(seed)
    groups = int(rng.choice([1, 2]))
    c, f, h, k = 2 * groups, 2 * int(rng.integers(1, 3)), int(rng.integers(3, 5)), int(rng.integers(1, 3))
    x, wt, b = rng.integers(0, 5, (c, h, h)), rng.integers(-2, 3, (f, c // groups, k, k)), rng.integers(0, 9, f)
    depthwise = ca.trace_conv2d(x, wt, b, groups=groups)
    pointwise = ca.trace_conv2d(depthwise.output, rng.integers(-2, 3, (3, f, 1, 1)), np.zeros(3, dtype=int))
    module = torch.nn.Conv2d(c, f, k, groups=groups)
    torch_params = sum(p.numel() for p in module.parameters())
    expected = F.conv2d(torch.tensor(x[None], dtype=torch.float64), torch.tensor(wt, dtype=torch.float64),
                        torch.tensor(b, dtype=torch.float64), groups=groups)[0].numpy()
    oh = expected.shape[1]
    steps = [[Call(BEGIN)]] + [[Call("show_filter", (j,))] for j in range(f)]
    steps += [[Call("hand_over")], [Call("show_filter", (0,))], [Call("compare_counts")]]
    said = [numbers(t.text) for t in VolumeNarrator([depthwise, pointwise], 0).narrate(steps)]
    assert said[0] == [f, c // groups, k, k, f, torch_params, f * (c // groups) * k * k * oh * oh]  # macs by hand
    for j in range(f):
        channels = [j // (f // groups) * (c // groups) + m for m in range(c // groups)]
        listed = list(expected[j].ravel()) if oh * oh <= 6 else []
        reads = [channels[0], channels[-1]] if len(channels) > 1 else channels
        assert said[1 + j] == [j, c // groups, k, k, *reads, j, *listed]
    standard = torch.nn.Conv2d(c, 3, k)
    assert said[-1][-2:] == [sum(p.numel() for p in standard.parameters()), 3 * c * k * k * oh * oh]


def test_pixel_shuffle_says_where_torch_puts_each_channel():
    from convanim.narration.volumes import ShuffleNarrator
    r, channels = 2, 8
    texts = ShuffleNarrator(channels, r, channels * 9).narrate(
        [[Call(BEGIN)]] + [[Call("move_plane", (k,))] for k in range(channels)] + [[Call("conclude")]])
    for k in range(channels):
        one_hot = torch.zeros(1, channels, 3, 3)
        one_hot[0, k, 1, 2] = 1  # h = 1, w = 2
        c, y, x = [int(v[0]) for v in torch.nonzero(F.pixel_shuffle(one_hot, r)[0], as_tuple=True)]
        c_said, _, i, _, j = numbers(texts[1 + k].text)[1:]
        assert (c, y, x) == (c_said, 1 * r + i, 2 * r + j)
    assert numbers(texts[-1].text) == [channels * 9]


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_volumes_say_the_same_numbers_in_every_language(language):
    from convanim.narration.volumes import ShuffleNarrator, VolumeNarrator
    depthwise = ca.trace_conv2d(np.arange(27).reshape(3, 3, 3), np.ones((3, 1, 2, 2), dtype=int), np.arange(3),
                                groups=3)
    pointwise = ca.trace_conv2d(depthwise.output, np.ones((2, 3, 1, 1), dtype=int), np.zeros(2, dtype=int))
    volume_steps = [[Call(BEGIN)], [Call("show_filter", (1,))], [Call("hand_over")], [Call("show_filter", (0,))],
                    [Call("compare_counts")], [Call("conclude")]]
    stories = [(lambda lang: VolumeNarrator([depthwise, pointwise], 0, lang), volume_steps),
               (lambda lang: ShuffleNarrator(8, 2, 72, lang),
                [[Call(BEGIN)], [Call("move_plane", (5,))], [Call("conclude")]])]
    for narrator, steps in stories:
        for e, o in zip(narrator("en").narrate(steps), narrator(language).narrate(steps)):
            assert sorted(numbers(e.text)) == sorted(numbers(o.text)), (e.text, o.text)
            assert o.text != e.text


@pytest.mark.parametrize("seed, lr", [(2, 0.2), (5, 0.1), (7, 0.05)])
def test_gradient_descent_says_autograds_numbers(seed, lr):
    from convanim.narration.descent import DescentNarrator
    problem = ca.edge_learning_problem(4, 5, seed, lr, 6)
    run = problem.train()
    x, target = torch.tensor(problem.images, dtype=torch.float64), torch.tensor(problem.targets, dtype=torch.float64)
    w = torch.tensor(problem.start, dtype=torch.float64)
    losses, grads, weights = [], [], [w.clone()]
    for _ in range(6):  # the same descent, by torch: L = mean((x ∗ w − target)²), w ← w − lr·dL/dw
        w.requires_grad_(True)
        loss = ((F.conv2d(x, w) - target) ** 2).mean()
        loss.backward()
        losses.append(float(loss))
        grads.append(float(w.grad[0, 0, 0, 0]))
        w = (w - lr * w.grad).detach()
        weights.append(w.clone())
    distance = float((w[0, 0] - torch.tensor(problem.kernel[0, 0], dtype=torch.float64)).abs().max())
    steps = [[Call(BEGIN)], [Call("take_step_in_detail", (run.steps[0],))],
             [Call("take_step_in_detail", (run.steps[1],))], [Call("take_step_quickly", (run.steps[2],))],
             [Call("compare_with_the_answer")]]
    said = [numbers(t.text) for t in DescentNarrator(run, 4, problem.distance(run.final_weight), 2, 4).narrate(steps)]
    assert said[0][-1] == lr
    for n in (0, 1):
        assert said[1 + n] == pytest.approx([n, losses[n], 0, 0, grads[n], float(weights[n][0, 0, 0, 0]),
                                             float(weights[n + 1][0, 0, 0, 0])], abs=0.005)
    assert said[3] == pytest.approx([5, losses[5]], abs=0.00005)
    assert said[4] == pytest.approx([6, distance], abs=0.005)


def test_the_feature_maps_say_torchs_numbers():
    from convanim.narration.feature_maps import FeatureMapNarrator
    from convanim.inputs.filters import named_filter
    from convanim.networks.pipeline import Conv, MaxPool, ReLU
    rng = np.random.default_rng(4)
    x = rng.integers(0, 256, (3, 12, 14))
    filters = [("edge", 3), ("blur", 4)]
    weights = [named_filter(kind, size, 3, 0) for kind, size in filters]
    pipelines = [ca.run_pipeline(x, [Conv(w, b), ReLU(), MaxPool(2)]) for w, b in weights]
    trace = ca.trace_conv2d(x, *weights[1])
    zoom = (1, (2, 3))
    steps = [[Call(BEGIN)], [Call("apply_filter", (0,))], [Call("apply_filter", (1,))], [Call("zoom_to_window")],
             [Call("show_window_arithmetic")], [Call("conclude")]]
    said = [numbers(t.text) for t in FeatureMapNarrator(x.shape, filters, pipelines, trace, zoom, 2, 2).narrate(steps)]
    t = torch.tensor(x[None], dtype=torch.float64)
    assert said[0] == [3, 12, 14]
    for i, (w, b) in enumerate(weights):
        conv = F.conv2d(t, torch.tensor(w, dtype=torch.float64), torch.tensor(b, dtype=torch.float64))
        pooled = F.max_pool2d(F.relu(conv), 2)
        size = filters[i][1]
        assert said[1 + i] == [size, size, 3, size * size * 3 + 1, *conv.shape[2:], 0, 2, 2, *pooled.shape[2:]]
    w, b = (torch.tensor(a, dtype=torch.float64) for a in weights[1])
    sums = [float(F.conv2d(t[:, ch:ch + 1], w[:, ch:ch + 1])[0, 0, 2, 3]) for ch in range(3)]
    pixel = float(F.conv2d(t, w, b)[0, 0, 2, 3])
    assert said[3] == [2, 3, 4, 4]
    assert said[4] == pytest.approx([*sums, float(b[0]), pixel], abs=0.005)
    assert said[5] == [12 - 4 + 1, 14 - 4 + 1]


@pytest.mark.parametrize("seed", range(4))
def test_the_backward_as_convolution_and_col2im_say_autograds_numbers(seed):
    from convanim.arithmetic.im2col import im2col_conv2d_backward
    from convanim.narration.more_backward import BackwardAsConvNarrator, Col2ImNarrator
    rng = np.random.default_rng(seed)
    c, f, h, k, stride = 2, 3, 5, 3, int(rng.integers(1, 3))
    x, wt = rng.integers(-3, 4, (1, c, h, h)), rng.integers(-2, 3, (f, c, k, k))
    oh = (h - k) // stride + 1
    grad = rng.integers(-2, 3, (1, f, oh, oh))
    trace = ca.trace_conv2d_backward(x, wt, grad, stride)
    partial = []  # dL/dx[0, 0, 0] from the first j + 1 filters' gradients, by autograd
    for j in range(f):
        xt, w_t = torch.tensor(x, dtype=torch.float64, requires_grad=True), torch.tensor(wt, dtype=torch.float64)
        masked = torch.tensor(grad, dtype=torch.float64)
        masked[:, j + 1:] = 0
        F.conv2d(xt, w_t, stride=stride).backward(masked)
        partial.append(float(xt.grad[0, 0, 0, 0]))
    xt, w_t = torch.tensor(x, dtype=torch.float64, requires_grad=True), torch.tensor(wt, dtype=torch.float64,
                                                                                     requires_grad=True)
    F.conv2d(xt, w_t, stride=stride).backward(torch.tensor(grad, dtype=torch.float64))
    steps = [[Call(BEGIN)]] + [[Call("correlate_gradient", (j, j))] for j in range(f)]
    steps += [[Call("show_weight_gradient_as_correlation")]]
    said = [numbers(t.text) for t in BackwardAsConvNarrator(trace, trace.direct_trace(), 0, range(f), 2).narrate(steps)]
    for j in range(f):
        assert said[1 + j][-1] == partial[j]
    assert said[-1][-1] == float(w_t.grad[0, 0, 0, 0])
    record = im2col_conv2d_backward(x, wt, grad, stride)
    dout = torch.tensor(grad, dtype=torch.float64)[0].reshape(f, -1).T  # one row per window, one column per filter
    w_col = torch.tensor(wt, dtype=torch.float64).reshape(f, -1).T
    steps = [[Call(BEGIN)], [Call("flatten_gradient")], [Call("multiply_by_weight_columns")], [Call("drop_padding")],
             [Call("conclude")]]
    said = [numbers(t.text) for t in Col2ImNarrator(record, trace, 2).narrate(steps)]
    assert said[1] == [oh * oh, f] and said[2] == [c * k * k, 0, 0, float((dout @ w_col.T)[0, 0])]
    assert said[3] == []  # no padding: nothing is said about it
    assert said[4] == [0, 0, float(xt.grad[0, 0, 0, 0])]


def test_learned_filters_and_padding_modes_say_their_numbers():
    from convanim.narration.small_scenes import LearnedFiltersNarrator, PaddingModesNarrator
    from convanim.networks.digit_cnn import trained_digit_cnn
    snapshots = trained_digit_cnn().snapshots
    steps = [[Call(BEGIN)]] + [[Call("show_snapshot", (k,))] for k in range(1, len(snapshots))]
    said = [numbers(t.text) for t in LearnedFiltersNarrator(snapshots, 6).narrate(steps)]
    assert said[0] == [6, round(100 * snapshots[0].accuracy, 1)]
    for k, s in enumerate(snapshots[1:], 1):
        assert said[k] == [s.step, round(s.epoch, 1), round(100 * s.accuracy, 1)]
    texts = PaddingModesNarrator((4, 5), 2).narrate([[Call(BEGIN)]] + [[Call("show_padding_mode", (m,))] for m in
                                                                        ("zeros", "reflect", "replicate", "circular")])
    assert numbers(texts[0].text) == [4, 5, 2] and numbers(texts[1].text) == [0]


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_the_last_families_say_the_same_numbers_in_every_language(language):
    from convanim.narration.descent import DescentNarrator
    from convanim.narration.more_backward import BackwardAsConvNarrator, Col2ImNarrator
    from convanim.narration.small_scenes import PaddingModesNarrator
    from convanim.arithmetic.im2col import im2col_conv2d_backward
    problem = ca.edge_learning_problem(4, 5, 2, 0.2, 4)
    run = problem.train()
    x, wt = np.arange(32).reshape(1, 2, 4, 4) % 5, np.ones((2, 2, 3, 3), dtype=int)
    grad = np.arange(32).reshape(1, 2, 4, 4) % 3 - 1  # padding 1 keeps 4×4
    trace = ca.trace_conv2d_backward(x, wt, grad, 1, 1)
    stories = [
        (lambda lang: DescentNarrator(run, 4, 0.5, 2, 4, lang),
         [[Call(BEGIN)], [Call("take_step_in_detail", (run.steps[0],))], [Call("take_step_quickly", (run.steps[1],))],
          [Call("compare_with_the_answer")]]),
        (lambda lang: BackwardAsConvNarrator(trace, trace.direct_trace(), 0, range(2), 2, lang),
         [[Call(BEGIN)], [Call("show_gradient_map", (1, 1))], [Call("turn_kernel", (1,))],
          [Call("correlate_gradient", (1, 1))], [Call("show_weight_gradient_as_correlation")], [Call("conclude")]]),
        (lambda lang: Col2ImNarrator(im2col_conv2d_backward(x, wt, grad, 1, 1), trace, 2, lang),
         [[Call(BEGIN)], [Call("flatten_gradient")], [Call("multiply_by_weight_columns")], [Call("fold_rows_back")],
          [Call("drop_padding")], [Call("conclude")]]),
        (lambda lang: PaddingModesNarrator((4, 4), 2, lang),
         [[Call(BEGIN)]] + [[Call("show_padding_mode", (m,))] for m in ("zeros", "reflect", "replicate", "circular")]),
    ]
    for narrator, steps in stories:
        for e, o in zip(narrator("en").narrate(steps), narrator(language).narrate(steps)):
            assert sorted(numbers(e.text)) == sorted(numbers(o.text)), (e.text, o.text)
            assert o.text != e.text
