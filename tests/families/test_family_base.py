"""One base for every scene family (issue 33): FamilyScene owns the palette and background, the pacing and the
one bottom caption; no family restates them."""
import ast
from pathlib import Path

import numpy as np

from manim_support import run  # noqa: I001  (imports manimlib first)
import convanim.manim as cm
from manimlib import Text
from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.options.options import declared_options
from convanim.statements import Statement

FAMILIES = Path(__file__).resolve().parents[2] / "convanim" / "manim" / "families"
SCENE_BASES = [name for name in cm.__all__ if name.endswith("Scene") or name in ("ConvArithmetic", "PaddingModes",
                                                                                 "TransposedScatter",
                                                                                 "TransposedAsConv")]


def test_every_exported_scene_family_stands_on_the_family_base():
    for name in SCENE_BASES:
        cls = getattr(cm, name)
        assert issubclass(cls, FamilyScene), name
        options = declared_options(cls)
        assert {"palette", "stage_time", "pause_time"} <= set(options), name


def calls_in(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            f = node.func
            names.add(f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "")
        if isinstance(node, ast.Attribute) and node.attr == "background_rgba" and isinstance(node.ctx, ast.Store):
            names.add("background_rgba =")
    return names


def test_no_family_swaps_its_caption_or_paints_its_background_itself():
    restated = {"swap_caption", "swap_caption_with_note", "background_rgba ="}
    for path in sorted(FAMILIES.rglob("*.py")):
        if path.name == "family_scene.py":
            continue
        found = calls_in(path) & restated
        assert not found, f"{path.name} calls {sorted(found)}: use FamilyScene.caption_to / setup"
    for cls in (getattr(cm, name) for name in SCENE_BASES):
        for method in ("set_caption", "caption_animation"):
            assert not hasattr(cls, method), f"{cls.__name__}.{method}: captions change through caption_to"


class Captions(FamilyScene):
    """Three captions: a plain one, an approximate statement, an exact one."""

    def construct(self):
        self.shown = []
        for text in ("the layer", Statement("y[0,0]", "0.33 + 0.33", "0.67", "≈"),
                     Statement("y[0,1]", "1 + 2", "3")):
            self.play(self.caption_to(text))
            self.shown.append((self.caption.text, self.approximate_note is not None and
                               self.approximate_note in self.mobjects))


def test_caption_to_changes_the_caption_and_the_first_approximate_statement_brings_the_note():
    scene = run(Captions)
    assert [text for text, _ in scene.shown] == ["the layer", "y[0,0] = 0.33 + 0.33 ≈ 0.67", "y[0,1] = 1 + 2 = 3"]
    assert [note for _, note in scene.shown] == [False, True, True]  # the note stays once it came
    note, caption = scene.approximate_note, scene.caption
    assert note.get_bottom()[1] > caption.get_top()[1]  # above the caption
    texts = [m for m in scene.mobjects if isinstance(m, Text) and m is not note]
    assert texts == [caption]  # the old captions have gone


class BlueCaptions(Captions):
    palette = cm.Palette(background="#204060")


def test_the_background_is_the_palettes():
    scene = run(BlueCaptions)
    assert np.allclose(scene.camera.background_rgba, [0x20 / 255, 0x40 / 255, 0x60 / 255, 1.0])
