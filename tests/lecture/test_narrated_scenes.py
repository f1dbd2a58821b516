"""Every gallery scene tells its story: its family's narrator runs on the scene's own steps (recorded from a
skipped run, cut as the deck cuts them), in all six languages, with the same numbers in each.  The same run is
in Thai and records the screen: every word a viewer reads goes through the catalogues (issue 32: ConvBackward's
rule line and input label, and Col2Im's dcols caption, stayed English in every language), so no English word
is left on a Thai screen beyond PyTorch's and SciPy's names, formula words and titles
(``screen_check.KEPT_NAMES``)."""
from pathlib import Path

import pytest

from screen_check import english_left, recording, run  # noqa: I001  (headless manimlib first)
from convanim.manim.rendering.scene_files import load_scene_module, scene_classes
from convanim.manim.story.steps import with_story_steps
from convanim.manim.story.timeline import RecordedSteps
from statement_check import LANGUAGES, numbers

ROOT = Path(__file__).resolve().parents[2]


def gallery() -> list[tuple[str, str]]:
    found = []
    for n, path in enumerate(sorted((ROOT / "scenes").glob("[!_]*.py"))):
        module = load_scene_module(str(path), f"narrated_gallery_{n}")
        found += [(path.name, name) for name in scene_classes(module)]
    return found


GALLERY = gallery()


def test_the_gallery_is_all_here():
    assert len(GALLERY) >= 60


@pytest.mark.parametrize("scene_file, name", GALLERY)
def test_every_gallery_scene_says_its_story_in_every_language_and_shows_no_english_in_thai(scene_file, name):
    module = load_scene_module(str(ROOT / "scenes" / scene_file), f"narrated_{scene_file[:-3]}")
    in_thai = type(name, (scene_classes(module)[name],), {"language": "th"})
    scene = run(recording(with_story_steps(in_thai, RecordedSteps), geometry=False))
    left = english_left(scene)
    assert not left, "English left on screen:\n" + "\n".join(f"{w!r} in {t}" for w, t in left.items())
    english = scene.narrator("en").narrate(scene.story_calls)
    assert len(english) == len(scene.story_calls) == len(scene.step_starts)
    assert english[0].text, "the opening step says what the scene is about"
    assert len({t.id for t in english}) == len(english)
    assert all(t.title for t in english if t.text), "every spoken step names its chapter"
    for language in LANGUAGES[1:]:
        other = scene.narrator(language).narrate(scene.story_calls)
        assert [t.id for t in other] == [t.id for t in english]
        for e, o in zip(english, other):
            assert sorted(numbers(e.text)) == sorted(numbers(o.text)), (language, e.text, o.text)
            assert not e.text or o.text != e.text, (language, e.text)
