"""The other scenes in the languages with the widest captions: Thai (wrapped at Pango's breaks) and German
(at spaces); the backward-pass scenes and the trained first layer in German.  Glyphs in the fonts, captions inside the frame after every
animation, the same numbers as English.

test_languages.py runs the scenes the issue names in all six languages and checks every translated word's
glyphs in every language's fonts; these run in a second file so that the test workers share them."""
import pytest

from test_languages import check_scene_in

MORE_SCENES = [("im2col.py", "Im2Col"), ("im2col.py", "Im2ColLoopOrders"), ("pipeline.py", "Pipeline"),
               ("transposed.py", "StridesScatter"), ("transposed.py", "PaddingStridesAsConv"),
               ("trained.py", "LearnedFilters"), ("trained.py", "MisreadDigitPipeline"),
               ("receptive_field.py", "ReceptiveField"), ("volumes.py", "GroupedConv")]
BACKWARD_SCENES = [("backward.py", name) for name in ("ConvBackwardStrided", "ConvBackwardAsConvolutionStrided",
                                                      "Col2Im", "MaxPoolBackward", "AvgPoolBackwardPadded",
                                                      "GradientDescent")] + [("trained.py", "TrainedFirstLayer")]


@pytest.mark.parametrize("code", ["th", "de"])
@pytest.mark.parametrize("file, name", MORE_SCENES)
def test_more_scenes_in_other_languages(file, name, code, monkeypatch):
    check_scene_in(file, name, code, monkeypatch)


@pytest.mark.parametrize("file, name", BACKWARD_SCENES)
def test_the_backward_and_trained_layer_scenes_in_german(file, name, monkeypatch):
    check_scene_in(file, name, "de", monkeypatch)


@pytest.mark.parametrize("code", ["th", "ja"])
def test_conv_backward_leaves_no_english_in_its_rule_and_input_label(code, monkeypatch):
    """The rule line (… Σ over windows of x · dL/dy[f]) and the input's label (x, channel 0) were left in English
    (issue 32): every text of the scene in Thai and Japanese is checked for those words."""
    recording = check_scene_in("backward.py", "ConvBackward", code, monkeypatch)
    shown = " ".join(recording.texts)
    assert "over windows" not in shown and "channel" not in shown
    assert "Σ dL/dy[f]" in shown  # the rule is there, translated around its symbols
