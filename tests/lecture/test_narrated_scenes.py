"""Every gallery scene tells its story: its family's narrator runs on the scene's own steps (recorded from a
skipped run, cut as the deck cuts them), in all six languages, with the same numbers in each."""
from pathlib import Path

import pytest

from manim_support import run  # noqa: F401  (headless manimlib first)
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
def test_every_gallery_scene_says_its_story_in_every_language(scene_file, name):
    module = load_scene_module(str(ROOT / "scenes" / scene_file), f"narrated_{scene_file[:-3]}")
    scene = run(with_story_steps(scene_classes(module)[name], RecordedSteps))
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
