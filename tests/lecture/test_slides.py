"""Scenes as slide decks: one slide per step of the story, no frame lost, and the HTML deck."""
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from manim_support import run
from render_support import frames_at, probe

ROOT = Path(__file__).resolve().parents[2]
SHORT = ROOT / "tests" / "scenes" / "short_scenes.py"
COMMAND = shutil.which("convanim", path=str(Path(sys.executable).parent))


def frames(path):
    return int(probe(path)["nb_read_frames"])


def slide_files(deck, scene="ShortConv"):
    """The video file of each slide, in order, as the deck's JSON names them."""
    slides = json.loads((deck / "slides" / f"{scene}.json").read_text())["slides"]
    return [Path(s["file"]) if Path(s["file"]).is_absolute() else deck / "slides" / Path(s["file"]).relative_to("slides")
            for s in slides]


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    out = tmp_path_factory.mktemp("deck")
    result = subprocess.run([COMMAND, "slides", str(SHORT), "ShortConv", "--out", str(out), "--quality", "480p", "--pdf",
                             "--explore"], cwd=ROOT, capture_output=True, text=True)
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
    from manim_support import load_scene as load
    scene = run(load(SHORT, "ShortConv"))
    files = slide_files(deck)
    assert len(files) == story_slides(scene) >= 5
    assert all(f.is_file() for f in files)
    counts = [frames(f) for f in files]
    assert min(counts) > 0  # no empty slide, though the introduction ends on a wait() right at the cut
    assert sum(counts) == frames(deck / "plain.mp4")  # the slides together are the plain video


def test_the_deck_folder_holds_the_deck_and_nothing_else(deck):
    """Issue 35: the movie manimgl writes while rendering a deck (its last second only) used to stay beside the deck
    as OUT/<Scene>.mp4; plain.mp4 is the fixture's own render."""
    assert sorted(p.name for p in deck.iterdir()) == ["explore", "handout.pdf", "index.html", "plain.mp4", "slides"]
    assert sorted(p.name for p in (deck / "explore").iterdir()) == ["index.html"]  # --explore's page


def test_the_html_deck_embeds_one_section_per_slide(deck):
    html = (deck / "index.html").read_text()
    slides = json.loads((deck / "slides" / "ShortConv.json").read_text())["slides"]
    sections = re.findall(r"<section\s+data-background-size", html)  # reveal.js's own code holds "<section" too
    videos = re.findall(r'data-background-video="data:video/mp4;base64,', html)
    assert len(sections) == len(videos) == len(slides)


def test_the_plain_scene_is_unchanged_by_the_deck():
    from manim_support import load_scene as load
    from convanim.manim.lecture.slides import deck_of
    plain_class = load(SHORT, "ShortConv")
    plain = run(plain_class)
    assert "next_slide" not in dir(plain)
    assert deck_of(plain_class).__name__ == "ShortConv" and plain_class.slide_cuts


def test_the_html_deck_needs_no_network(deck):
    html = (deck / "index.html").read_text()
    assert re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="https?:', html) == []  # reveal.js is inlined
    assert "Reveal.initialize" in html and "<style>" in html


LOAD_EVERY_VIDEO = """
const done = arguments[arguments.length - 1];
const sources = Array.from(document.querySelectorAll('.reveal .slides > section[data-background-video]'),
                           s => s.getAttribute('data-background-video'));
Promise.all(sources.map(src => new Promise(resolve => {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  video.onloadeddata = () => resolve({width: video.videoWidth, height: video.videoHeight, seconds: video.duration});
  video.onerror = () => resolve({error: video.error ? video.error.code : 'unknown'});
  video.src = src;
}))).then(done);
"""


def test_the_deck_in_a_real_browser(deck):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    from convanim.manim.lecture.browser import headless_chromium, open_deck

    files = slide_files(deck)
    driver = headless_chromium(offline=True)  # no host name resolves: the deck must need no network
    try:
        driver.set_script_timeout(60)
        open_deck(driver, deck / "index.html")
        assert driver.execute_script("return Reveal.getTotalSlides()") == len(files) + 1  # and the explorable page
        driver.execute_script("Reveal.slide(Reveal.getTotalSlides() - 1)")
        frame = driver.find_element(By.CSS_SELECTOR, ".reveal .slides > section:last-child iframe")
        driver.switch_to.frame(frame)
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-cell="y[0,0,0]"]'))
        page_output = driver.find_element(By.CSS_SELECTOR, '[data-cell="y[0,0,0]"]').text
        driver.switch_to.default_content()
        driver.execute_script("Reveal.slide(0)")
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return Reveal.getIndices().h") == 0)
        assert driver.execute_script("return Reveal.getIndices().h") == 0
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return Reveal.getIndices().h") == 1)
        current = driver.execute_script(
            "return Array.from(document.querySelectorAll('.reveal .slides > section')).indexOf(Reveal.getCurrentSlide())")
        assert current == 1
        loaded = driver.execute_async_script(LOAD_EVERY_VIDEO)
        notes = driver.execute_script(
            "return Array.from(document.querySelectorAll('.reveal .slides > section[data-background-video]'),"
            " s => (s.querySelector('aside.notes') || {textContent: ''}).textContent.trim())")
    finally:
        driver.quit()
    from convanim.manim.story.timeline import story_timeline
    from manim_support import load_scene as load
    story = story_timeline(str(SHORT), "ShortConv", [], ["en"]).texts["en"]
    assert notes == [t.text for t in story]  # each slide's speaker notes: its step's narration
    bias = load(SHORT, "ShortConv")
    played = run(bias)
    assert f"starts at its bias, {played.trace.bias[0]}." in notes[1]
    assert float(page_output) == played.trace.output[0, 0, 0]  # the last slide: the layer's page, its numbers
    assert len(loaded) == len(files)
    for video, file in zip(loaded, files):
        assert "error" not in video, f"{file.name} does not load in Chromium: {video}"
        assert (video["width"], video["height"]) == (854, 480)
        assert video["seconds"] == pytest.approx(frames(file) / 30, abs=0.05)


def pdf_pages(path):
    """The page images of a PDF written by Pillow (one JPEG stream per page)."""
    data = path.read_bytes()
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S)
    return [np.asarray(Image.open(io.BytesIO(s)).convert("RGB")) for s in streams
            if s.startswith(b"\xff\xd8")]


def test_the_handout_is_each_slides_last_frame_with_its_notes_under_it(deck):
    files = slide_files(deck)
    pages = pdf_pages(deck / "handout.pdf")
    assert len(pages) == len(files)
    notes = [s.get("notes", "") for s in json.loads((deck / "slides" / "ShortConv.json").read_text())["slides"]]
    for page, text in zip(pages, notes):
        band = page[480:].astype(int)  # under the 854×480 frame
        ink = (band.min(axis=2) < 128).any(axis=1)  # rows with dark text on the white band
        assert band.min() > 200 if not text else ink.sum() > 10, text
        if text:  # a longer note takes more lines of text (about 75 characters a line at this size)
            assert band.shape[0] >= 30 * (1 + len(text) // 110)
    pages = [page[:480] for page in pages]
    for n, (page, file) in enumerate(zip(pages, files)):
        last = frames_at(file, [frames(file) - 1])[0]
        others = [frames_at(other, [frames(other) - 1])[0] for other in files if other != file]
        error = np.abs(page.astype(int) - last).mean()
        assert error < 3, f"page {n + 1} is not the last frame of slide {n + 1} (mean error {error:.1f})"
        assert all(np.abs(page.astype(int) - o).mean() > error for o in others if not np.array_equal(o, last))


def test_a_tampered_revealjs_is_refused(tmp_path, monkeypatch):
    from convanim.manim.lecture import revealjs
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    revealjs.tarball_path().parent.mkdir(parents=True)
    revealjs.tarball_path().write_bytes(b"not reveal.js")
    html = '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/reveal.js@6.0.1/dist/reveal.css">'
    with pytest.raises(revealjs.RevealJsUnavailable, match="SHA-512"):
        revealjs.inline_revealjs(html)



def test_a_wait_between_animations_stays_in_its_slide(tmp_path):
    """manim-slides #527/#609 with ManimGL: square, wait, circle on each slide; every slide must hold all three."""
    scene_file = ROOT / "tests" / "scenes" / "slide_rhythm.py"
    result = subprocess.run([COMMAND, "slides", str(scene_file), "SlideRhythm", "--out", str(tmp_path),
                             "--quality", "480p"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [frames(f) for f in slide_files(tmp_path, "SlideRhythm")] == [45, 45, 45]  # 0.5 s + 0.5 s + 0.5 s at 30 fps, by hand


@pytest.mark.parametrize("scene, options, message", [
    ("Nope", [], "has no scene 'Nope'"),
    ("ShortConv", ["--set", "strid=2"], "has no option 'strid'"),
    ("KernelTooLarge", [], "larger than the padded input"),
    ("NotAPhoto", ["--explore"], "--explore: NotAPhoto: the explorable page covers"),  # a family with no page
    ("ShortConv", ["--explore", "--set", "stride=0"], "--explore: ShortConv.stride = 0"),
])
def test_a_refused_deck_writes_nothing(tmp_path, scene, options, message):
    out = tmp_path / "deck"
    result = subprocess.run([COMMAND, "slides", str(SHORT), scene, "--out", str(out), *options],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and message in result.stderr
    assert not out.exists()
