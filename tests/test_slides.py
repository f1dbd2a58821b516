"""Scenes as slide decks: one slide per step of the story, no frame lost, and the HTML deck."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from manim_support import run
from test_render import probe

ROOT = Path(__file__).resolve().parents[1]
SHORT = ROOT / "tests" / "scenes" / "short_scenes.py"
COMMAND = shutil.which("convanim", path=str(Path(sys.executable).parent))


def frames(path):
    return int(probe(path)["nb_read_frames"])


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    out = tmp_path_factory.mktemp("deck")
    result = subprocess.run([COMMAND, "slides", str(SHORT), "ShortConv", "--out", str(out), "--quality", "480p"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    plain = out / "plain.mp4"
    result = subprocess.run([COMMAND, "render", str(SHORT), "ShortConv", "--out", str(plain), "--quality", "480p"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def story_slides(scene) -> int:
    """The story's slides, counted by hand from the scene's steps: the introduction, each filter, each
    channel brought forward, each detailed step, each run of sweep steps, the conclusion."""
    count, shown_filter, front, sweeping = 1, None, None, False
    for n, step in enumerate(scene.steps):
        if step.filter != shown_filter:
            count, shown_filter, front, sweeping = count + 1, step.filter, None, False
        if step.channel != front:
            count, front, sweeping = count + 1, step.channel, False
        if n < scene.detailed_steps:
            count += 1
        elif not sweeping:
            count, sweeping = count + 1, True
    return count + 1


def test_the_deck_has_a_slide_per_step_and_keeps_every_frame(deck):
    from test_cli import load
    scene = run(load(SHORT, "ShortConv"))
    data = json.loads((deck / "slides" / "ShortConv.json").read_text())
    slides = data["slides"]
    assert len(slides) == story_slides(scene) >= 5
    files = [deck / "slides" / Path(s["file"]).relative_to("slides") if not Path(s["file"]).is_absolute()
             else Path(s["file"]) for s in slides]
    assert all(f.is_file() for f in files)
    counts = [frames(f) for f in files]
    assert min(counts) > 0  # no empty slide, though the introduction ends on a wait() right at the cut
    assert sum(counts) == frames(deck / "plain.mp4")  # the slides together are the plain video


def test_the_html_deck_embeds_one_section_per_slide(deck):
    html = (deck / "index.html").read_text()
    slides = json.loads((deck / "slides" / "ShortConv.json").read_text())["slides"]
    sections = re.findall(r"<section\b", html)
    videos = re.findall(r'data-background-video="data:video/mp4;base64,', html)
    assert len(sections) == len(videos) == len(slides)


def test_the_plain_scene_is_unchanged_by_the_deck():
    from test_cli import load
    from convanim.manim.slides import deck_of
    plain_class = load(SHORT, "ShortConv")
    plain = run(plain_class)
    assert "next_slide" not in dir(plain)
    assert deck_of(plain_class).__name__ == "ShortConv" and plain_class.slide_cuts
