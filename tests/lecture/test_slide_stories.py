"""Every scene family as a deck: the slides are the steps of its story (run with animations skipped)."""
from pathlib import Path

import pytest

from manim_support import run

ROOT = Path(__file__).resolve().parents[2]


SCENE_FILES = sorted((ROOT / "scenes").glob("[!_]*.py"))


def every_scene():
    from convanim.manim.rendering.scene_files import load_scene_module, scene_classes
    for n, path in enumerate(SCENE_FILES):
        for name, cls in scene_classes(load_scene_module(str(path), f"deck_{n}")).items():
            yield path, name, cls


def test_every_scene_of_the_scene_files_cuts_its_story_at_steps_it_has():
    for path, name, cls in every_scene():
        cuts = tuple(getattr(cls, "slide_cuts", ())) + tuple(getattr(cls, "slide_runs", ()))
        assert cuts, f"{path.name} {name} names no steps to cut its deck at"
        for step in cuts:
            assert callable(getattr(cls, step, None)), f"{path.name} {name} has no step method {step}"


def deck_slide_count(path, name):
    """The number of slides of ``name``'s deck, run with animations skipped (no video is written)."""
    from manim_support import load_scene as load
    from convanim.manim.lecture.slides import deck_of

    class Counted(deck_of(load(path, name))):
        def _save_slides(self, *args, **kwargs):  # nothing was written to join; just close the last slide
            self._add_last_slide()

    scene = run(Counted)
    return scene, len(scene._slides)


def windows_story(scene, detailed, steps):
    """Introduction, each detailed step, one slide for the rest of the sweep (if any)."""
    return 1 + min(detailed, steps) + (steps > detailed)


# Each family's story, counted by hand from what it shows (see each scene's construct()).
STORIES = {
    # title, then each padding mode, the code card
    ("arithmetic.py", "PaddingModesCompared"): lambda s: 1 + len(s.grids) + 1,
    # layer, unroll, flatten filters, multiply, bias, fold, conclusion, the code card
    ("im2col.py", "Im2Col"): lambda s: 8,
    ("im2col.py", "Im2ColLoopOrders"): lambda s: 4,  # the two loops, both run, the matrices compared, the card
    # + the closing code card
    ("transposed.py", "StridesScatter"): lambda s: windows_story(s, s.detailed_steps, len(list(s.trace.steps()))) + 1,
    # + the conclusion, + the closing code card
    ("backward.py", "MaxPoolBackward"): lambda s: windows_story(s, s.detailed_windows, len(list(s.forward.steps()))) + 2,
    ("backward.py", "GradientDescent"): lambda s: windows_story(s, s.detailed_steps, len(s.run.steps)) + 2,
    ("backward.py", "Col2Im"): lambda s: 5 + bool(s.padding) + 1,  # + the padding dropped (if any), the code card
    ("pipeline.py", "PipelineStacked"): lambda s: len(s.stages) + 1 + bool(s.stacked_view) + 1,  # + the code card
    ("feature_maps.py", "FeatureMapsGenerated"): lambda s: 1 + len(s.filters) + 5,  # zoom, enlarge, sums, end, card
    # per map f: (a new map,) the kernel turned, the correlation; then dL/dw, the conclusion, the code card
    ("backward.py", "ConvBackwardAsConvolution"): lambda s: 1 + 3 * len(s.filters) - 1 + 2 + 1,
    # per filter: (the filter,) db, and per channel: (the input channel, when it changes,) its dL/dw;
    # the conclusion, the scatter, the padding released (when there is padding)
    ("backward.py", "ConvBackwardStrided"): lambda s: conv_backward_story(s),
    ("backward.py", "ConvBackward"): lambda s: conv_backward_story(s),
}


def conv_backward_story(s):
    filters, channels = s.trace.num_filters, s.trace.channels_per_filter
    channel_changes = filters * channels - 1 if channels > 1 else 0
    return (1 + (filters - 1) + filters + channel_changes + filters * channels + 1 + bool(s.input_gradient)
            + bool(s.padding) + 1)  # + the closing code card


@pytest.mark.parametrize("file, name", list(STORIES))
def test_each_familys_deck_has_a_slide_per_step_of_its_story(file, name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # manimgl makes the scene's videos/ folder where it runs, even when nothing is written
    scene, count = deck_slide_count(ROOT / "scenes" / file, name)
    assert count == STORIES[file, name](scene) >= 3
