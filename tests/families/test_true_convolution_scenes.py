"""Issue 37: TrueConvolution shows correlation and true convolution side by side.  Every drawn number is read
back and compared with scipy.signal.correlate2d / convolve2d and with the kernel turned by hand; the captions'
and the narration's numbers too; the closing card's code runs under torch and gives the convolution drawn."""
import numpy as np
import pytest
import scipy.signal
import torch

from screen_check import overlap_problems, recording, run, size_problems  # noqa: I001  (imports manimlib first)
from statement_check import LANGUAGES, arithmetic_problems, numbers
from convanim.manim import TrueConvolutionScene
from convanim.manim.story.steps import with_story_steps
from convanim.manim.story.timeline import RecordedSteps
from manim_support import load_module

SCENES = load_module("true_convolution")


@pytest.mark.parametrize("name", ["TrueConvolution", "TrueConvolutionFull"])
def test_every_drawn_number_is_scipys(name):
    class Watched(getattr(SCENES, name)):
        def conclude(self):
            super().conclude()  # before the closing card: every output cell is shown
            self.shown_at_the_end = (self.correlation_grid.visible().all() and self.convolution_grid.visible().all())

    scene = run(Watched)
    x, k, mode = scene.x, scene.kernel, scene.mode
    pad = (k.shape[0] - 1, k.shape[1] - 1) if mode == "full" else (0, 0)
    np.testing.assert_array_equal(scene.input_grid.shown_values(), np.pad(x, [(pad[0],) * 2, (pad[1],) * 2]))
    np.testing.assert_array_equal(scene.kernel_grid.shown_values(), k)
    turned = np.array([[k[k.shape[0] - 1 - i, k.shape[1] - 1 - j] for j in range(k.shape[1])]
                       for i in range(k.shape[0])])  # turned by 180°, by hand
    np.testing.assert_array_equal(scene.flipped_grid.shown_values(), turned)
    np.testing.assert_array_equal(scene.correlation_grid.shown_values(), scipy.signal.correlate2d(x, k, mode))
    np.testing.assert_array_equal(scene.convolution_grid.shown_values(), scipy.signal.convolve2d(x, k, mode))
    assert scene.shown_at_the_end
    # the closing card's lines, run under torch, give the convolution drawn
    space = {"torch": torch, "nn": torch.nn, "x": torch.tensor(x[None], dtype=torch.float64),
             "w": torch.tensor(k[None, None], dtype=torch.float64)}
    with torch.no_grad():
        exec(compile(scene.code_card.lines.code, "<card>", "exec"), space)  # noqa: S102
    np.testing.assert_array_equal(space["y"].numpy()[0], scene.convolution_grid.shown_values())


@pytest.mark.parametrize("language", ["en", "th"])
def test_the_captions_write_out_both_sums_and_hold(language):
    scene = run(recording(type("Drawn", (SCENES.TrueConvolution,), {"language": language})))
    statements = scene.screen.statements()
    assert [p for text in statements for p in arithmetic_problems(text)] == []
    corr, conv = (scipy.signal.correlate2d(scene.x, scene.kernel, "valid"),
                  scipy.signal.convolve2d(scene.x, scene.kernel, "valid"))
    for oy, ox in [(0, 0), (0, 1)]:  # the detailed cells
        said = [t for t in statements if f"(x ⋆ k)[{oy},{ox}]" in t]
        assert said and said[0].split(";")[0].endswith(f"= {corr[oy, ox]}".replace("-", "−"))
        assert said[0].split(";")[1].strip().endswith(f"= {conv[oy, ox]}".replace("-", "−"))
    assert size_problems(scene.screen) == [] and overlap_problems(scene.screen) == []


def test_the_narration_says_scipys_numbers_in_every_language():
    scene = run(with_story_steps(SCENES.TrueConvolution, RecordedSteps))
    corr = scipy.signal.correlate2d(scene.x, scene.kernel, "valid")
    conv = scipy.signal.convolve2d(scene.x, scene.kernel, "valid")
    for language in LANGUAGES:
        said = {t.id: t.text for t in scene.narrator(language).narrate(scene.story_calls)}
        assert sorted(numbers(said["cell-0-1"])) == sorted([0, 1, float(corr[0, 1]), float(conv[0, 1])]), said
        assert 180 in numbers(said["intro"])


def test_a_kernel_larger_than_the_input_is_named_before_any_frame():
    with pytest.raises(ValueError, match=r"TooWide.kernel_size = \(3, 3\): larger than the input \(2, 2\)"):
        run(type("TooWide", (TrueConvolutionScene,), {"input_size": (2, 2), "kernel_size": (3, 3)}))


@pytest.mark.parametrize("padding", [0, 1])
def test_the_conv_scenes_flip_kernel_option_gives_scipys_convolution(padding):
    """ConvArithmetic with flip_kernel: the kernel shown first as given, then turned; the outputs drawn are
    scipy.signal.convolve2d's of the (padded) input with the kernel as given; every statement holds."""
    from convanim.manim import ConvArithmetic

    class Turned(ConvArithmetic):
        flip_kernel, weight_range = True, (-2, 3)

        def turn_kernels(self, homes):
            grid = self.kernel_grids[0]
            self.before_places = [tuple(np.round(n.get_center()[:2], 3)) for n in grid.numbers]
            super().turn_kernels(homes)

    scene = run(recording(type("Drawn", (Turned,), {"padding": padding})))
    given = scene.unturned_weight[0, 0]
    x = np.pad(scene.trace.input[0], padding)
    np.testing.assert_array_equal(scene.output_grids[0].shown_values(), scipy.signal.convolve2d(x, given, "valid"))
    kh, kw = given.shape
    grid = scene.kernel_grids[0]
    np.testing.assert_array_equal(grid.shown_values(), given[::-1, ::-1])  # the kernel that slides: turned
    # before the turn each number stood in the mirrored cell: the kernel as given
    cells = [tuple(np.round(grid.cell(kh - 1 - i, kw - 1 - j).get_center()[:2], 3)) for i in range(kh) for j in range(kw)]
    assert scene.before_places == cells
    assert "convolution = correlation with the flipped kernel" in [s.text for s in scene.screen.texts()]
    assert [p for text in scene.screen.statements() for p in arithmetic_problems(text)] == []


def test_the_flip_kernel_option_on_many_channels_is_torchs_conv_with_turned_kernels():
    from convanim.manim import ConvLayerScene

    scene = run(type("Turned", (ConvLayerScene,), {"flip_kernel": True, "detailed_steps": 0, "show_code": False}))
    t, w = scene.trace, torch.tensor(scene.unturned_weight, dtype=torch.float64)
    with torch.no_grad():
        theirs = torch.nn.functional.conv2d(torch.tensor(t.input, dtype=torch.float64)[None], torch.flip(w, (-2, -1)),
                                            torch.tensor(t.bias, dtype=torch.float64))[0].numpy()
    np.testing.assert_array_equal(np.stack([g.shown_values() for g in scene.output_grids]), theirs)
