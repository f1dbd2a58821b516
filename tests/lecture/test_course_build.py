"""Issue 38: ``convanim build COURSE.toml``.  A course of three small scenes × two languages builds on a local Dask
cluster; a second build renders nothing; editing one scene file re-renders only its videos, and ``--dry-run``
lists exactly them first; a scene that fails leaves the others built and exits 1 naming it; the index page lists
every video (read in headless Chromium); a real Dask scheduler and two workers, started as separate processes,
build the same course with every video equal to the local build's frame for frame, the jobs spread over both."""
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]
SCENES = {
    "conv.py": '''from convanim.manim import ConvLayerScene


class TinyConv(ConvLayerScene):
    """One channel, one filter of 2x2 on 3x3."""
    in_channels, out_channels, input_size, kernel_size = 1, 1, (3, 3), (2, 2)
    show_code, detailed_steps, stage_time, pause_time = False, 0, 0.2, 0.1
''',
    "pool.py": '''from convanim.manim import PoolingScene


class TinyPool(PoolingScene):
    """2x2 max pooling of a 4x4 input."""
    input_size, kernel_size, detailed_windows = (4, 4), 2, 0
    show_code, stage_time, pause_time = False, 0.2, 0.1
''',
    "arithmetic.py": '''from convanim.manim import ConvArithmetic


class TinyArithmetic(ConvArithmetic):
    """A 3x3 kernel over 4x4 with padding 1."""
    input_size, padding, stride = (4, 4), 1, 2
    show_code, detailed_steps, stage_time, pause_time = False, 0, 0.2, 0.1
''',
    "broken.py": '''from convanim.manim import ConvLayerScene


class Broken(ConvLayerScene):
    """Fine when its options are checked; fails when the first frame is drawn."""
    show_code, detailed_steps, stage_time, pause_time = False, 0, 0.2, 0.1

    def construct(self):
        raise RuntimeError("this scene cannot draw")
''',
}
COURSE = '''output = "built"
languages = ["en", "th"]
qualities = ["480p"]

[[scenes]]
file = "scenes/conv.py"

[[scenes]]
file = "scenes/pool.py"
scene = "TinyPool"
set = { stride = 1 }

[[scenes]]
file = "scenes/arithmetic.py"
'''
NAMES = ("TinyConv", "TinyPool", "TinyArithmetic")


def convanim(*args, cwd):
    return subprocess.run([sys.executable, "-m", "convanim.manim.cli", *args], capture_output=True, text=True,
                          cwd=cwd)


def write_course(folder: Path, course: str = COURSE) -> Path:
    (folder / "scenes").mkdir(parents=True, exist_ok=True)
    for name, source in SCENES.items():
        (folder / "scenes" / name).write_text(source)
    (folder / "course.toml").write_text(course)
    return folder / "course.toml"


def videos(out: Path) -> dict[str, float]:
    """Each video under ``out`` (language/quality/Name.mp4) and when it was written."""
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in sorted(out.glob("*/*/*.mp4"))}


def frames(video: Path) -> list[str]:
    """The MD5 of each decoded frame (ffmpeg's framemd5)."""
    result = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-f", "framemd5", "-"], capture_output=True,
                            text=True, check=True)
    return [line.split(",")[-1].strip() for line in result.stdout.splitlines() if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def local_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    course = write_course(folder)
    started = time.monotonic()
    result = convanim("build", str(course), "--workers", "2", cwd=folder)
    return folder, result, time.monotonic() - started


def test_a_course_builds_every_scene_in_every_language(local_build):
    folder, result, _ = local_build
    assert result.returncode == 0, result.stderr
    out = folder / "built"
    assert set(videos(out)) == {f"{lang}/480p/{name}.mp4" for lang in ("en", "th") for name in NAMES}
    assert all((out / lang / "480p" / f"{name}.jpg").is_file() for lang in ("en", "th") for name in NAMES)
    assert "6 rendered, 0 up to date, 0 failed" in result.stderr


def test_a_second_build_renders_nothing_and_an_edit_only_its_videos(local_build):
    folder, _, _ = local_build
    out = folder / "built"
    before = videos(out)
    again = convanim("build", "course.toml", "--workers", "2", cwd=folder)
    assert again.returncode == 0 and "0 rendered, 6 up to date, 0 failed" in again.stderr
    assert videos(out) == before
    # an edit to one scene file: the dry run lists exactly its two videos, and the build renders only them
    pool = folder / "scenes" / "pool.py"
    pool.write_text(pool.read_text().replace("2x2 max pooling", "2×2 max pooling, edited"))
    dry = convanim("build", "course.toml", "--dry-run", cwd=folder)
    listed = sorted(line.split()[2] for line in dry.stderr.splitlines() if line.startswith("would render"))
    assert dry.returncode == 0 and listed == ["en/480p/TinyPool.mp4", "th/480p/TinyPool.mp4"]
    assert videos(out) == before  # a dry run renders nothing
    edited = convanim("build", "course.toml", "--workers", "2", cwd=folder)
    assert edited.returncode == 0 and "2 rendered, 4 up to date, 0 failed" in edited.stderr
    now = videos(out)
    changed = sorted(k for k in now if now[k] != before[k])
    assert changed == listed


def test_a_failing_scene_leaves_the_others_built_and_exits_1(local_build):
    folder, _, _ = local_build
    course = folder / "with_broken.toml"
    course.write_text(COURSE.replace('languages = ["en", "th"]', 'languages = ["en"]')
                      + '\n[[scenes]]\nfile = "scenes/broken.py"\n')
    result = convanim("build", str(course), "--workers", "2", cwd=folder)
    assert result.returncode == 1
    assert "build: Broken [en, 480p] of broken.py failed" in result.stderr
    assert "this scene cannot draw" in result.stderr
    assert "0 rendered, 3 up to date, 1 failed" in result.stderr  # the English videos stand, built before
    out = folder / "built"
    assert not (out / "en" / "480p" / "Broken.mp4").exists() and not list(out.rglob("*.part*"))
    page = (out / "index.html").read_text()
    assert 'data-video="en/480p/Broken.mp4"' in page and "not built" in page


def test_the_index_page_lists_every_video_with_its_still(local_build):
    folder, _, _ = local_build
    convanim("build", "course.toml", cwd=folder)  # the page of the whole course again
    from convanim.manim.lecture.browser import headless_chromium

    browser = headless_chromium(offline=True)
    try:
        browser.get((folder / "built" / "index.html").as_uri())
        figures = browser.find_elements("css selector", "figure.video")
        listed = {f.get_attribute("data-video") for f in figures}
        assert listed == {f"{lang}/480p/{name}.mp4" for lang in ("en", "th") for name in NAMES}
        for figure in figures:
            image = figure.find_element("css selector", "img")
            assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) == 854
            link = figure.find_element("css selector", "a").get_attribute("href")
            assert Path(link.removeprefix("file://")).is_file()
            assert figure.find_element("css selector", "figcaption").text in NAMES
        headings = [h.text for h in browser.find_elements("css selector", "h2")]
        assert headings == ["English (en)", "ไทย (th)"]
    finally:
        browser.quit()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_dask_scheduler_and_two_workers_build_the_same_videos(local_build, tmp_path):
    folder, _, _ = local_build
    course = write_course(tmp_path)
    dask = str(Path(sys.executable).with_name("dask"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for name in ("worker-a", "worker-b"):
            processes.append(subprocess.Popen(
                [dask, "worker", address, "--name", name, "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path))
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
            workers = set(client.scheduler_info()["workers"])
        result = convanim("build", str(course), "--scheduler", address, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "6 rendered, 0 up to date, 0 failed" in result.stderr
        import json

        ran_on = {json.loads(p.read_text())["worker"] for p in (tmp_path / "built" / ".build").rglob("*.json")}
        assert ran_on == workers and len(workers) == 2  # the jobs ran on both workers
        for video in sorted((folder / "built").glob("*/*/Tiny*.mp4")):
            remote = tmp_path / "built" / video.relative_to(folder / "built")
            assert frames(remote) == frames(video), video.name
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_long_video_renders_as_segment_jobs_on_both_workers_with_the_frames_of_one_job(local_build, tmp_path):
    """segment_seconds = 1: TinyConv (2.9 s, 14 animations) is counted, rendered as three segment jobs spread
    over the two workers and joined; its frames are those of the local build's one-job TinyConv."""
    import json

    folder, _, _ = local_build
    course = write_course(tmp_path, 'output = "built"\nlanguages = ["en"]\nqualities = ["480p"]\n'
                                    'segment_seconds = 1\n\n[[scenes]]\nfile = "scenes/conv.py"\n')
    result = convanim("build", str(course), "--workers", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 rendered, 0 up to date, 0 failed" in result.stderr
    build = tmp_path / "built" / ".build" / "en" / "480p"
    segment_workers = json.loads((build / "TinyConv.json").read_text())["segments"]
    assert len(segment_workers) == 3 and len(set(segment_workers)) == 2, segment_workers
    assert frames(tmp_path / "built" / "en" / "480p" / "TinyConv.mp4") == frames(folder / "built" / "en" / "480p" /
                                                                               "TinyConv.mp4")
    assert not (build / "TinyConv.segments").exists()  # the pieces are gone
    again = convanim("build", str(course), "--dry-run", cwd=tmp_path)
    assert "0 of 1 videos would render" in again.stderr


NARRATED_COURSE = '''output = "built"
languages = ["en"]
qualities = ["480p"]
narration = "recordings/{language}/{name}"
subtitles = "th"

[[scenes]]
file = "scenes/conv.py"
set = { normalize_voice = false }

[[scenes]]
file = "scenes/pool.py"
scene = "TinyPool"
set = { normalize_voice = false }
'''
TONE_SECONDS, RATE = 0.3, 48_000


def write_tone(path: Path, freq: float) -> None:
    """A recording of TONE_SECONDS of a sine at half amplitude."""
    import wave

    import numpy as np

    t = np.arange(int(TONE_SECONDS * RATE)) / RATE
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(RATE)
        out.writeframes((0.5 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2").tobytes())


def test_a_narrated_course_speaks_the_recordings_with_subtitles_and_a_new_take_renders_its_video_again(tmp_path):
    """Each video gets its own recordings ({language}/{name} in the course's narration folder) and subtitle
    tracks; replacing one recording makes exactly that video stale."""
    import numpy as np

    from convanim.manim.story.timeline import story_timeline
    from convanim.narration import read_webvtt

    course = write_course(tmp_path, NARRATED_COURSE)
    stories = {name: story_timeline(str(tmp_path / "scenes" / file), name, [], ["en", "th"])
               for name, file in (("TinyConv", "conv.py"), ("TinyPool", "pool.py"))}
    spoken = {name: [t.id for t in story.texts["en"] if t.text] for name, story in stories.items()}
    for name, ids in spoken.items():
        for k, step in enumerate(ids):
            write_tone(tmp_path / "recordings" / "en" / name / f"{step}.wav", 300.0 + 40 * k)
    result = convanim("build", str(course), "--workers", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "built" / "en" / "480p"
    for name, story in stories.items():
        sound = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out / f"{name}.mp4"), "-map", "0:a", "-ac", "1",
                                "-ar", str(RATE), "-f", "f32le", "-"], capture_output=True, check=True).stdout
        samples = np.frombuffer(sound, dtype="<f4")
        blocks = samples[:len(samples) // 480 * 480].reshape(-1, 480)  # 10 ms each
        loud = np.sqrt((blocks ** 2).mean(axis=1)) > 0.1  # a tone's RMS is 0.35; the pauses between are silent
        onsets = int((np.diff(np.concatenate([[0], loud.astype(int)])) == 1).sum())
        assert onsets == len(spoken[name]) > 0  # one voice a recording
        assert loud.sum() * 0.01 == pytest.approx(len(spoken[name]) * TONE_SECONDS, abs=0.02 * len(spoken[name]))
        for language in ("en", "th"):
            cues = read_webvtt(out / f"{name}.{language}.vtt")
            assert [c.text for c in cues] == [t.text for t in story.texts[language] if t.text]
            assert (out / f"{name}.{language}.srt").is_file()
    page = (tmp_path / "built" / "index.html").read_text()
    for name in stories:
        for language in ("en", "th"):
            assert f'hreflang="{language}" href="en/480p/{name}.{language}.vtt"' in page
    write_tone(tmp_path / "recordings" / "en" / "TinyPool" / f"{spoken['TinyPool'][0]}.wav", 900.0)  # a new take
    dry = convanim("build", str(course), "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert re.findall(r"would render (\S+)", dry.stderr) == ["en/480p/TinyPool.mp4"]
    (out / "TinyConv.th.vtt").unlink()  # a lost subtitle file: that video is stale too
    dry = convanim("build", str(course), "--dry-run", cwd=tmp_path)
    assert sorted(re.findall(r"would render (\S+)", dry.stderr)) == ["en/480p/TinyConv.mp4", "en/480p/TinyPool.mp4"]


def test_course_file_mistakes_are_one_line_naming_the_key(tmp_path):
    from convanim.manim.course.course_file import CourseError, read_course

    write_course(tmp_path)
    cases = {
        'output = "x"\nlanguages = ["en", "xx"]\n[[scenes]]\nfile = "scenes/conv.py"\n':
            "languages: 'xx' is not one of en, th, ja, zh-Hans, zh-Hant, de",
        'qualities = ["360p"]\n[[scenes]]\nfile = "scenes/conv.py"\n': "qualities: '360p' is not one of",
        '[[scenes]]\nfile = "scenes/nowhere.py"\n': "scenes[0].file = 'scenes/nowhere.py': no such file",
        '[[scenes]]\nfile = "scenes/conv.py"\nspeed = 2\n': "scenes[0]: unknown key 'speed'",
        '[[scenes]]\nfile = "scenes/conv.py"\nset = { kernel_size = { a = 1 } }\n': "scenes[0].set.kernel_size",
        'outputs = "x"\n': "unknown key 'outputs'",
        'languages = "en"\n': "languages = 'en': expected a list of strings",
        'segment_seconds = -1\n[[scenes]]\nfile = "scenes/conv.py"\n':
            "segment_seconds = -1: expected seconds, 0 or more (0: no segments)",
        'narration = "recordings/{lang}"\n[[scenes]]\nfile = "scenes/conv.py"\n':
            "course.narration = 'recordings/{lang}': {lang} is not a placeholder",
    }
    for text, message in cases.items():
        (tmp_path / "bad.toml").write_text(text)
        with pytest.raises(CourseError, match=re.escape(message)):
            read_course(tmp_path / "bad.toml")
    from convanim.manim.course.jobs import plan_jobs

    (tmp_path / "bad.toml").write_text('narration = "recordings/{language}"\n[[scenes]]\nfile = "scenes/conv.py"\n')
    folder = tmp_path / "recordings" / "en"
    with pytest.raises(CourseError, match=re.escape(f"scenes[0] (TinyConv, en): TinyConv.narration = '{folder}': "
                                                    "expected 'off', 'tts' or a folder of recordings (no such folder)")):
        plan_jobs(read_course(tmp_path / "bad.toml"))


def test_a_wrong_scene_or_option_stops_the_build_in_one_line_before_anything_renders(tmp_path):
    write_course(tmp_path)
    cases = {
        '[[scenes]]\nfile = "scenes/conv.py"\nscene = "Nope"\n': "has no scene 'Nope'",
        'output = "x"\n[[scenes]]\nfile = "scenes/conv.py"\nset = { stride = 0 }\n': "TinyConv.stride = 0",
        '[[scenes]]\nfile = "scenes/conv.py"\n[[scenes]]\nfile = "scenes/conv.py"\n':
            "a second video named 'TinyConv'",
        'qualities = ["360p"]\n[[scenes]]\nfile = "scenes/conv.py"\n': "qualities: '360p' is not one of",
    }
    for text, message in cases.items():
        (tmp_path / "bad.toml").write_text(text)
        result = convanim("build", "bad.toml", cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr, (text, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "course").exists()
    missing = convanim("build", "nowhere.toml", cwd=tmp_path)
    assert missing.returncode == 2 and "course file not found: nowhere.toml" in missing.stderr


def test_a_stopped_build_leaves_no_file_and_no_process(tmp_path):
    import os
    import signal

    write_course(tmp_path, COURSE.replace('languages = ["en", "th"]', 'languages = ["en"]'))
    temp = tmp_path / "tmp"
    temp.mkdir()
    build = subprocess.Popen([sys.executable, "-m", "convanim.manim.cli", "build", "course.toml", "--workers", "1"],
                             cwd=tmp_path, env=os.environ | {"TMPDIR": str(temp)}, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not any(temp.rglob("*_temp.mp4")) and time.monotonic() < deadline:  # a render is writing its movie
            time.sleep(0.2)
        assert any(temp.rglob("*_temp.mp4")), "no render started"
        build.send_signal(signal.SIGTERM)
        _, stderr = build.communicate(timeout=90)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 143 and "convanim build: stopped by SIGTERM" in stderr
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the workers and their renders go too
        try:
            os.killpg(build.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("a worker or a render outlived the build")
    assert not list((tmp_path / "built").rglob("*.mp4")) and not list((tmp_path / "built").rglob("*.part*"))
    assert not list(temp.rglob("*.mp4"))  # no partial movie left in the temp directory
