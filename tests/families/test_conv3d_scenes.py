"""Issue 37: Conv3dLayer and its variants, a kernel cube through frames.  Every number drawn (the padded frames,
the cube's slices, the output planes) is read back and compared with torch.nn.Conv3d built here from the
scene's options; each caption's frame sum with the window worked here from the input; the narration in six
languages; the code card under torch; the screen checks in English and Thai; random layers."""
from collections import Counter

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from screen_check import fuzz_settings, overlap_problems, recording, run, size_problems  # noqa: I001  (manimlib first)
from statement_check import LANGUAGES, arithmetic_problems, labelled_totals, numbers, value_of
from convanim.manim import Conv3dLayerScene
from convanim.manim.story.steps import with_story_steps
from convanim.manim.story.timeline import RecordedSteps
from manim_support import load_module

SCENES = load_module("conv3d")


def torch_layer(scene) -> tuple[np.ndarray, np.ndarray]:
    """(the padded volume (D', H', W'), the output (OD, OH, OW)) of ``nn.Conv3d`` from the scene's options."""
    x, w, b = (None if a is None else torch.tensor(np.asarray(a, dtype=np.float64)) for a in scene.get_layer_arrays())
    conv = torch.nn.Conv3d(1, 1, tuple(w.shape[2:]), stride=scene.stride, padding=scene.padding,
                           dilation=scene.dilation, bias=b is not None, padding_mode=scene.padding_mode).double()
    with torch.no_grad():
        conv.weight.copy_(w)
        if b is not None:
            conv.bias.copy_(b)
        y = conv(x[None])[0, 0].numpy()
    pads = []
    for k in reversed(w.shape[2:]):  # torch.nn.functional.pad takes the last axis first
        span = scene.dilation * (k - 1)
        pads += ([scene.padding] * 2 if isinstance(scene.padding, int) else [0, 0] if scene.padding == "valid"
                 else [span // 2, span - span // 2])
    mode = {"zeros": "constant"}.get(scene.padding_mode, scene.padding_mode)
    return torch.nn.functional.pad(x[None], pads, mode=mode)[0, 0].numpy(), y


def watched(scene_class):
    class Watched(scene_class):
        def show_plane(self, od):
            super().show_plane(od)
            self.cubes_seen = [*getattr(self, "cubes_seen", []),
                               np.array([g.shown_values() for g in self.filter_block]) if self.numbered else None]

        def conclude(self):
            super().conclude()
            self.frames_seen = np.array([g.shown_values() for g in self.input_block]) if self.numbered else None
            self.planes_seen = np.array([g.shown_values() for g in self.output_block]) if self.numbered else None
    Watched.__name__ = scene_class.__name__
    return Watched


@pytest.mark.parametrize("name", ["Conv3dLayer", "Conv3dMotion", "Conv3dStride"])
def test_every_drawn_number_is_torchs(name):
    scene = run(watched(getattr(SCENES, name)))
    padded, y = torch_layer(scene)
    _, w, _ = scene.get_layer_arrays()
    np.testing.assert_array_equal(scene.frames_seen, padded)
    np.testing.assert_array_equal(scene.planes_seen, y)
    assert len(scene.cubes_seen) == y.shape[0]
    for cube in scene.cubes_seen:
        np.testing.assert_array_equal(cube, w[0, 0])


def test_the_motion_clip_shows_where_the_pixel_went():
    """A bright pixel one step right in each frame: each output plane is −9 where it was and 9 where it is."""
    scene = run(watched(SCENES.Conv3dMotion))
    expected = np.zeros((2, 3, 3), dtype=int)
    expected[0, 0, 0], expected[0, 0, 1] = -9, 9
    expected[1, 0, 1], expected[1, 0, 2] = -9, 9
    np.testing.assert_array_equal(scene.planes_seen, expected)


def test_the_captions_hold_and_name_torchs_numbers_in_thai():
    """(In English the screen test checks the gallery scenes; here Thai, and each frame's sum against the input.)"""
    scene = run(recording(type("Drawn", (SCENES.Conv3dStride,), {"language": "th", "detailed_positions": 2})))
    padded, y = torch_layer(scene)
    _, w, _ = scene.get_layer_arrays()
    statements = scene.screen.statements()
    assert [p for text in statements for p in arithmetic_problems(text)] == []
    outputs, frames = 0, []
    for text in statements:
        for label, total in labelled_totals(text):
            if label.startswith("y["):
                assert float(value_of(total)) == y[tuple(int(v) for v in label[2:-1].split(","))[1:]], text
                outputs += 1
            elif label.startswith("Σ"):
                frames.append(float(value_of(total)))
    assert outputs >= 2
    # the first position: one sum per frame the cube reads, each the window of that padded frame times its slice
    kd, kh, kw = w.shape[2:]
    first = [float((padded[d, :kh, :kw] * w[0, 0, d]).sum()) for d in range(kd)]
    assert frames[:kd] == first
    assert size_problems(scene.screen) == [] and overlap_problems(scene.screen) == []


def test_the_narration_says_torchs_planes_in_every_language():
    scene = run(with_story_steps(SCENES.Conv3dMotion, RecordedSteps))
    _, y = torch_layer(scene)
    for language in LANGUAGES:
        said = {t.id: t.text for t in scene.narrator(language).narrate(scene.story_calls)}
        assert {3, 2, 1}.issubset(numbers(said["intro"])), said["intro"]  # 3 frames, a cube of 2 by 1 by 1
        for od in range(2):  # every value of the plane is said (the plane's number and its frames besides)
            said_numbers = Counter(numbers(said[f"plane-{od}"]))
            assert not Counter(y[od].ravel().tolist()) - said_numbers, said[f"plane-{od}"]


def test_the_card_computes_the_drawn_output():
    scene = run(watched(SCENES.Conv3dLayer))
    space = {"torch": torch, "nn": torch.nn}
    for name, value in scene.torch_code().arrays.items():
        space[name] = torch.tensor(np.asarray(value, dtype=np.float64))
    with torch.no_grad():
        exec(compile(scene.code_card.lines.code, "<card>", "exec"), space)  # noqa: S102  (what the card shows)
    np.testing.assert_array_equal(space["y"].numpy()[0], scene.planes_seen)
    assert "nn.Conv3d(1, 1, kernel_size=(2, 3, 3)" in scene.code_card.lines.code


def test_a_cube_larger_than_the_volume_is_named_before_any_frame():
    with pytest.raises(ValueError, match=r"^Big: kernel_size 2×5×5 with dilation 1×1×1 spans 2×5×5, larger than"):
        run(type("Big", (Conv3dLayerScene,), {"kernel_size": (2, 5, 5)}))


@st.composite
def volumes(draw):
    k = tuple(draw(st.integers(1, 3)) for _ in range(3))
    size = tuple(draw(st.integers(kk, 5)) for kk in k)
    padding = draw(st.sampled_from([0, 1, "same", "valid"]))
    stride = 1 if padding == "same" else draw(st.integers(1, 2))
    mode = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    assume(mode == "zeros" or padding in (0, "valid") or min(size) > 1)
    return {"input_size": size, "kernel_size": k, "stride": stride, "padding": padding,
            "padding_mode": mode, "use_bias": draw(st.booleans()), "seed": draw(st.integers(0, 99)),
            "detailed_positions": 1}


@fuzz_settings(3)
@given(volumes())
def test_random_volumes_draw_torchs_numbers_readably(options):
    scene = run(recording(watched(type("Fuzzed", (Conv3dLayerScene,), options))))
    padded, y = torch_layer(scene)
    if scene.numbered:
        np.testing.assert_array_equal(scene.planes_seen, y)
        np.testing.assert_array_equal(scene.frames_seen, padded)
    assert size_problems(scene.screen) == [] and overlap_problems(scene.screen) == []
