"""The conv layer's spoken story: every number it says checked against PyTorch, in every language; cue files."""
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import convanim as ca
from convanim.narration import BEGIN, Call, Cue, read_srt, read_webvtt, write_srt, write_webvtt
from convanim.narration.conv_layer import LISTED_OUTPUTS, ConvLayerNarrator

LANGUAGES = ["en", "th", "ja", "zh-Hans", "zh-Hant", "de"]
NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?")


def numbers(text):
    """Every number said, as floats (U+2212 read as minus); map, row and column indices included."""
    return [float(n.replace("−", "-")) for n in NUMBER.findall(text)]


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
        if n < detailed:
            steps.append([Call("compute_step_in_detail", (step,))])
        elif run is None:
            run = [Call("sweep_step", (step,))]
            steps.append(run)
        else:
            run.append(Call("sweep_step", (step,)))
    return steps + [[Call("conclude")]]


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
    assert vtt.read_text().splitlines()[:6] == ["WEBVTT", "", "intro", "00:00:00.000 --> 00:00:01.300",
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
