"""Issue 37: Conv1dLayer and its variants (a waveform, a sentence's embeddings).  Every number drawn is read back
from the scene's grids and compared with torch.nn.Conv1d built here from the scene's options (not from
convanim's code); the captions' and the narration's numbers with sums worked here from the windows; the code
card runs under torch; true convolution (``flip_kernel``) against numpy.convolve; the screen checks in English
and Thai; random options within the declared ranges."""
import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from screen_check import fuzz_settings, overlap_problems, recording, run, size_problems  # noqa: I001  (manimlib first)
from statement_check import LANGUAGES, arithmetic_problems, labelled_totals, numbers, value_of
from convanim.manim import Conv1dLayerScene
from convanim.manim.story.steps import with_story_steps
from convanim.manim.story.timeline import RecordedSteps
from manim_support import load_module

SCENES = load_module("conv1d")


def torch_layer(scene) -> tuple[np.ndarray, np.ndarray]:
    """(the padded input, the output) of ``nn.Conv1d`` built from the scene's options and its given arrays."""
    x, w, b = (None if a is None else torch.tensor(np.asarray(a, dtype=np.float64)) for a in scene.get_layer_arrays())
    if scene.flip_kernel:
        w = w.flip(-1)
    conv = torch.nn.Conv1d(x.shape[0], w.shape[0], w.shape[2], stride=scene.stride, padding=scene.padding,
                           dilation=scene.dilation, groups=scene.groups, bias=b is not None,
                           padding_mode=scene.padding_mode).double()
    with torch.no_grad():
        conv.weight.copy_(w)
        if b is not None:
            conv.bias.copy_(b)
        y = conv(x[None])[0].numpy()
    span = scene.dilation * (w.shape[2] - 1)
    pads = ((scene.padding,) * 2 if isinstance(scene.padding, int) else (0, 0) if scene.padding == "valid"
            else (span // 2, span - span // 2))  # 'same': torch puts the odd cell at the end
    mode = {"zeros": "constant"}.get(scene.padding_mode, scene.padding_mode)
    padded = torch.nn.functional.pad(x[None], pads, mode=mode)[0].numpy()
    return padded, y


def watched(scene_class):
    class Watched(scene_class):
        def after_bias(self, f):
            super().after_bias(f)
            self.kernels_seen = {**getattr(self, "kernels_seen", {}),
                                 f: np.array([g.shown_values()[0] for g in self.kernel_grids])}

        def conclude(self):
            super().conclude()
            # (None for grids too small for numbers: shaded by value)
            self.inputs_seen = (np.array([g.shown_values()[0] for g in self.input_stack.grids])
                                if self.input_stack.grids[0].show_numbers else None)
            self.outputs_seen = (np.array([g.shown_values()[0] for g in self.output_grids])
                                 if self.output_grids[0].show_numbers else None)
    Watched.__name__ = scene_class.__name__
    return Watched


@pytest.mark.parametrize("name", ["Conv1dLayer", "Conv1dWaveform", "Conv1dSentence"])
def test_every_drawn_number_is_torchs(name):
    scene = run(watched(getattr(SCENES, name)))
    padded, y = torch_layer(scene)
    _, w, _ = scene.get_layer_arrays()
    np.testing.assert_allclose(scene.inputs_seen, padded, atol=1e-9)
    for f in range(w.shape[0]):
        np.testing.assert_allclose(scene.kernels_seen[f], w[f], atol=1e-9)
    np.testing.assert_allclose(scene.outputs_seen, y, atol=0.5 * 10.0 ** -scene.decimals + 1e-9)
    assert scene.title.text.startswith(f"input {padded.shape[0]}×{scene.length}")


def test_the_sentence_names_its_words_under_their_columns():
    scene = run(SCENES.Conv1dSentence)
    rows = scene.input_stack
    assert [w.text for w in rows.column_names] == "the cat sat on the mat".split()
    for j, word in enumerate(rows.column_names):  # each word under its own column
        assert abs(word.get_center()[0] - rows.grids[-1].cell(0, j).get_center()[0]) < 1e-6


def test_the_captions_hold_and_name_torchs_outputs_in_thai():
    """(In English the screen test checks the gallery scenes; here Thai, against torch.)"""
    scene = run(recording(type("Drawn", (SCENES.Conv1dSentence,), {"language": "th"})))
    _, y = torch_layer(scene)
    statements = scene.screen.statements()
    assert [p for text in statements for p in arithmetic_problems(text)] == []
    named = 0
    for text in statements:
        for label, total in labelled_totals(text):
            if label.startswith("y[") and label.count(",") == 1:
                f, i = (int(v) for v in label[2:-1].split(","))
                assert abs(float(value_of(total)) - y[f, i]) < 0.051, text
                named += 1
    assert named >= 2
    assert size_problems(scene.screen) == [] and overlap_problems(scene.screen) == []


def test_the_narration_says_the_window_sums_in_every_language():
    scene = run(with_story_steps(SCENES.Conv1dLayer, RecordedSteps))
    x, w, b = scene.get_layer_arrays()
    first = int(np.dot(x[0, 0:3], w[0, 0]))  # channel 0's window at output 0, worked here
    for language in LANGUAGES:
        said = {t.id: t.text for t in scene.narrator(language).narrate(scene.story_calls)}
        assert {3, 10, 2, 8}.issubset(numbers(said["intro"])), said["intro"]  # 3 channels of 10; 2 signals of 8
        step = numbers(said["y0-0-0-channel-0"])
        assert first in step and first + b[0] in step, said["y0-0-0-channel-0"]


@pytest.mark.parametrize("padding", [0, 2])
def test_flip_kernel_gives_numpys_convolution(padding):
    class Turned(Conv1dLayerScene):
        in_channels, out_channels, length, use_bias, flip_kernel, show_code = 1, 1, 7, False, True, False
        kernel_size, weight_range = 3, (-3, 3)
    Turned.padding = padding
    scene = run(watched(Turned))
    x, w, _ = scene.get_layer_arrays()
    expected = np.convolve(np.pad(x[0], padding), w[0, 0], mode="valid")  # the kernel as given: numpy turns it
    np.testing.assert_array_equal(scene.outputs_seen[0], expected)
    assert "correlation with the flipped kernel" in scene.narrator("en").say_show_filter(0).text


def test_wrong_options_are_named_before_any_frame():
    with pytest.raises(ValueError, match=r"Words.column_names='a b': 2 words for a signal of length 10"):
        run(type("Words", (Conv1dLayerScene,), {"column_names": "a b"}))
    with pytest.raises(ValueError, match=r"Flat.input_values = np.array\(\[\[\[0.0, .*: expected .*shaped \(C, L\)"):
        run(type("Flat", (Conv1dLayerScene,), {"input_values": np.zeros((1, 2, 3))}))
    with pytest.raises(ValueError, match=r"Long: kernel_size=3 but weight_values has shape \(1, 1, 2\)"):
        run(type("Long", (Conv1dLayerScene,), {"kernel_size": 3, "weight_values": np.ones((1, 1, 2)),
                                               "in_channels": 1}))


@st.composite
def signal_layers(draw):
    groups = draw(st.sampled_from([1, 2]))
    k = draw(st.integers(1, 4))
    padding = draw(st.sampled_from([0, 1, 2, "same", "valid"]))
    stride = 1 if padding == "same" else draw(st.integers(1, 3))
    dilation = draw(st.integers(1, 2))
    length = draw(st.integers(1, 14))
    pads = padding if isinstance(padding, int) else 0
    assume(length + 2 * pads >= dilation * (k - 1) + 1 or padding == "same")
    mode = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    span = dilation * (k - 1)
    assume(mode == "zeros" or (pads if padding != "same" else span - span // 2) < length)
    return {"in_channels": groups * draw(st.integers(1, 3)), "out_channels": groups * draw(st.integers(1, 2)),
            "groups": groups, "length": length, "kernel_size": k, "stride": stride, "padding": padding,
            "dilation": dilation, "padding_mode": mode, "use_bias": draw(st.booleans()),
            "flip_kernel": draw(st.booleans()), "seed": draw(st.integers(0, 99)), "detailed_steps": 1,
            "input_range": draw(st.sampled_from([(0, 9), (-99, 99)]))}


@fuzz_settings(4)
@given(signal_layers())
def test_random_layers_draw_torchs_numbers_readably_and_their_card_runs(options):
    scene = run(recording(watched(type("Fuzzed", (Conv1dLayerScene,), options))))
    padded, y = torch_layer(scene)
    if scene.outputs_seen is not None:
        np.testing.assert_allclose(scene.outputs_seen, y)
    if scene.inputs_seen is not None:
        np.testing.assert_allclose(scene.inputs_seen, padded)
    space = {"torch": torch, "nn": torch.nn}
    for name, value in scene.torch_code().arrays.items():
        space[name] = torch.tensor(np.asarray(value, dtype=np.float64))
    with torch.no_grad():
        exec(compile(scene.code_card.lines.code, "<card>", "exec"), space)  # noqa: S102  (what the card shows)
    np.testing.assert_allclose(space["y"].numpy(), y)
    assert size_problems(scene.screen) == [] and overlap_problems(scene.screen) == []
