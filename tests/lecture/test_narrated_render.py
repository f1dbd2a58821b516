"""Narrated renders of a small scene at 480p: voices start with their steps, the animation waits for them,
subtitles and chapters, TTS in six languages, segments, and every refusal (exit 2, one line, nothing written)."""
import math
import os
import re
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from render_support import SHORT, conv_video, frames_at, probe, render  # noqa: F401  (conv_video: a fixture)

ROOT = Path(__file__).resolve().parents[2]
FPS, RATE = 30, 48_000
PAUSE = 0.4  # the scene's default voice_pause


def tone(path, seconds, freq=440.0):
    """A sine of ``seconds`` at half amplitude: a recording whose length and onset are known."""
    t = np.arange(int(round(seconds * RATE))) / RATE
    pcm = (0.5 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(RATE), out.writeframes(pcm.tobytes())
    return path


def audio(path):
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a", "-ac", "1", "-ar", str(RATE),
                          "-f", "f32le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype="<f4")


def video_md5(path):
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-f", "framemd5", "-"],
                         capture_output=True, text=True, check=True).stdout
    return [line.split(",")[-1].strip() for line in out.splitlines() if not line.startswith("#")]


@pytest.fixture(scope="module")
def timeline():
    from convanim.manim.story.timeline import story_timeline
    return story_timeline(str(SHORT), "ShortConv", [], ["en", "de"])


@pytest.fixture(scope="module")
def silent(conv_video):
    """The short conv scene without narration (render_support's conv_video)."""
    return conv_video


@pytest.fixture(scope="module")
def recorded(tmp_path_factory, timeline):
    """ShortConv narrated with test tones: long ones (longer than their steps) and short ones, by turns."""
    folder = tmp_path_factory.mktemp("recordings")
    spoken = [t.id for t in timeline.texts["en"] if t.text]
    lengths = {step: (2.0 if n % 2 == 0 else 0.25) for n, step in enumerate(spoken)}
    for step, seconds in lengths.items():
        tone(folder / f"{step}.wav", seconds)
    out = tmp_path_factory.mktemp("narrated") / "lecture.mp4"
    result = render(SHORT, "ShortConv", out, "--set", f"narration={folder}", "--set", "normalize_voice=False",
                    "--set", "subtitles=de")
    assert result.returncode == 0, result.stderr[-2000:]
    return out, folder, lengths


def expected_starts(timeline, lengths):
    """Each step's first frame once every step lasts its clip plus the pause (worked out here, in whole frames)."""
    starts, added = [], 0
    for k, text in enumerate(timeline.texts["en"]):
        starts.append(timeline.starts[k] + added)
        if text.id in lengths:
            length = timeline.ends[k] - timeline.starts[k]
            added += max(0, math.ceil((lengths[text.id] + PAUSE) * FPS - 1e-9) - length)
    return starts, timeline.frames + added


def test_each_voice_starts_with_its_step_and_ends_before_the_next(recorded, timeline):
    out, _, lengths = recorded
    starts, frames = expected_starts(timeline, lengths)
    sound = audio(out)
    assert len(sound) == pytest.approx(frames / FPS * RATE, abs=RATE // 10)
    loud = np.abs(sound) > 0.1
    for k, text in enumerate(timeline.texts["en"]):
        begin, end = starts[k] * RATE // FPS, (starts[k + 1] if k + 1 < len(starts) else frames) * RATE // FPS
        early = max(0, begin - RATE // FPS)  # from one frame before the step
        heard = np.flatnonzero(loud[early:end]) + early
        if text.id not in lengths:
            assert heard.size == 0, f"{text.id} is silent but sounds"
            continue
        onset = (heard[0] - begin) / RATE
        assert abs(onset) <= 1 / FPS, f"{text.id}'s voice starts {onset:.3f} s off its step"
        assert (heard[-1] - heard[0]) / RATE == pytest.approx(lengths[text.id], abs=1 / FPS)
        assert heard[-1] < end  # never into the next step


def test_the_video_is_the_silent_one_with_held_frames_for_the_voice(recorded, silent, timeline):
    out, _, lengths = recorded
    starts, frames = expected_starts(timeline, lengths)
    assert int(probe(out)["nb_read_frames"]) == frames > timeline.frames
    assert int(probe(silent)["nb_read_frames"]) == timeline.frames
    pairs = []  # (silent frame, narrated frame) that must show the same picture
    for k in range(len(starts)):
        first, last = timeline.starts[k], timeline.ends[k] - 1
        shift = starts[k] - timeline.starts[k]
        next_start = starts[k + 1] if k + 1 < len(starts) else frames
        pairs += [(first, first + shift), (last, last + shift), (last, next_start - 1)]  # the hold shows the last
    def pictures(path, indices):  # frames_at wants each index once, in order
        wanted = sorted(set(indices))
        return dict(zip(wanted, frames_at(path, wanted)))

    a, b = pictures(silent, [p[0] for p in pairs]), pictures(out, [p[1] for p in pairs])
    for i, j in pairs:
        x, y = a[i], b[j]
        assert np.abs(x.astype(int) - y).mean() < 2, f"silent frame {i} is not narrated frame {j}"


def test_subtitles_and_chapters_follow_the_story(recorded, timeline):
    from convanim.narration import read_srt, read_webvtt
    out, _, lengths = recorded
    starts, frames = expected_starts(timeline, lengths)
    ends = starts[1:] + [frames]
    streams = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name:stream_tags=language",
                              "-of", "csv=p=0", str(out)], capture_output=True, text=True, check=True).stdout.split()
    assert "mov_text,subtitle,eng" in streams and "mov_text,subtitle,deu" in streams and "aac,audio,und" in streams
    chapters = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "csv=p=0", str(out)],
                              capture_output=True, text=True, check=True).stdout.strip().splitlines()
    assert len(chapters) == len(starts)
    assert chapters[1].endswith(",Filter 0")
    for language in ("en", "de"):
        expected = [(t.id, starts[k] / FPS, ends[k] / FPS, t.text) for k, t in enumerate(timeline.texts[language]) if t.text]
        vtt = read_webvtt(out.with_name(f"lecture.{language}.vtt"))
        assert [(c.id, c.start, c.end, c.text) for c in vtt] == [(i, pytest.approx(s, abs=1e-3), pytest.approx(e, abs=1e-3), x)
                                                                 for i, s, e, x in expected]
        srt = read_srt(out.with_name(f"lecture.{language}.srt"))
        assert [c.text for c in srt] == [x for *_, x in expected]
    assert "Eingabe" in read_webvtt(out.with_name("lecture.de.vtt"))[0].text


def test_segments_give_the_same_narrated_video(recorded, tmp_path):
    out, folder, _ = recorded
    parallel = tmp_path / "parallel.mp4"
    result = render(SHORT, "ShortConv", parallel, "--jobs", "2", "--set", f"narration={folder}",
                    "--set", "normalize_voice=False", "--set", "subtitles=de")
    assert result.returncode == 0, result.stderr[-2000:]
    assert video_md5(parallel) == video_md5(out)
    assert np.array_equal(audio(parallel), audio(out))


def test_subtitles_on_a_silent_video_leave_its_frames_alone(silent, tmp_path, timeline):
    out = tmp_path / "subtitled.mp4"
    result = render(SHORT, "ShortConv", out, "--set", "subtitles=de,ja")
    assert result.returncode == 0, result.stderr[-2000:]
    assert video_md5(out) == video_md5(silent)
    from convanim.narration import read_webvtt
    cues = read_webvtt(tmp_path / "subtitled.ja.vtt")
    spoken = [(k, t) for k, t in enumerate(timeline.texts["en"]) if t.text]
    assert [c.start for c in cues] == [pytest.approx(timeline.starts[k] / FPS, abs=1e-3) for k, _ in spoken]
    assert not (tmp_path / "subtitled.en.vtt").exists()  # a silent video gets the languages asked for


@pytest.mark.parametrize("language", ["en", "th", "ja", "zh-Hans", "zh-Hant", "de"])
def test_the_draft_voice_speaks_every_language(language, tmp_path, monkeypatch):
    from convanim.narration.voices import SAMPLE_RATE, decode, synthesize
    from convanim.narration.conv_layer import ConvLayerNarrator
    import convanim as ca
    monkeypatch.setenv("CONVANIM_CACHE", str(tmp_path))
    trace = ca.trace_conv2d(np.ones((1, 3, 3), dtype=int), np.ones((1, 1, 2, 2), dtype=int), np.array([4]))
    text = ConvLayerNarrator(trace, 0, language).say_show_filter(0).text
    clip = decode(synthesize(text, language))
    assert len(clip) / SAMPLE_RATE > 0.8  # a sentence, not a click
    loud = np.abs(clip) > 0.05
    assert loud.mean() > 0.2 and np.sqrt(np.mean(clip ** 2)) > 0.03  # speech, not silence
    again = synthesize(text, language)
    assert again == synthesize(text, language) and len(list(Path(tmp_path, "voices").glob("*.wav"))) == 1  # cached


@pytest.fixture(scope="module")
def tts_lecture(tmp_path_factory):
    """ShortConv narrated with the draft voice (a cold cache of its own), rendered once for the tests below."""
    folder = tmp_path_factory.mktemp("tts")
    out = folder / "tts.mp4"
    before = os.environ.get("CONVANIM_CACHE")
    os.environ["CONVANIM_CACHE"] = str(folder / "cache")
    try:
        result = render(SHORT, "ShortConv", out, "--set", "narration=tts")
    finally:
        if before is None:
            del os.environ["CONVANIM_CACHE"]
        else:
            os.environ["CONVANIM_CACHE"] = before
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def test_a_tts_lecture_starts_each_voice_with_its_step(tts_lecture, tmp_path, timeline, monkeypatch):
    from convanim.narration.voices import decode, synthesize
    monkeypatch.setenv("CONVANIM_CACHE", str(tmp_path / "cache"))
    out = tts_lecture
    clips = {t.id: decode(synthesize(t.text, "en")) for t in timeline.texts["en"] if t.text}
    lengths = {i: len(c) / RATE for i, c in clips.items()}
    starts, frames = expected_starts(timeline, lengths)
    sound = audio(out)
    for k, text in enumerate(timeline.texts["en"]):
        if text.id not in clips:
            continue
        lead = np.flatnonzero(np.abs(clips[text.id]) > 0.05)[0] / RATE  # the engine's own quiet start
        at = starts[k] * RATE // FPS
        heard = np.flatnonzero(np.abs(sound[at:at + RATE * 3]) > 0.05)[0] / RATE
        assert abs(heard - lead) <= 1 / FPS, f"{text.id}: voice at {heard:.3f} s into its step, clip's at {lead:.3f}"
        after = at + len(clips[text.id]) + RATE // FPS  # a frame after the clip is over ...
        following = (starts[k + 1] if k + 1 < len(starts) else frames) * RATE // FPS  # ... to the next step
        assert following - after >= (PAUSE - 2 / FPS) * RATE  # the pause is there
        assert np.abs(sound[after:following]).max(initial=0) < 0.05, f"{text.id}: the voice runs into the next step"


def error_of(result):
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr[-1500:]
    return lines[-1]


@pytest.mark.parametrize("case, message", [
    ("missing", "no recording for cue 'end'"),
    ("unknown", "names no cue of the script"),
    ("unreadable", "cannot read"),
    ("no folder", "ShortConv.narration = "),
    ("language", "ShortConv.subtitles = 'de,xx': 'xx' is not one of"),
    ("script unknown", "cue 'nonsense' is not a step of this scene"),
    ("script missing", "cue 'end' is missing"),
])
def test_every_refusal_is_one_line_and_writes_nothing(case, message, tmp_path, timeline):
    folder = tmp_path / "voices"
    folder.mkdir()
    spoken = [t for t in timeline.texts["en"] if t.text]
    for t in spoken:
        tone(folder / f"{t.id}.wav", 0.1)
    options = ["--set", f"narration={folder}"]
    if case == "missing":
        (folder / "end.wav").unlink()
    if case == "unknown":
        tone(folder / "outro.flac", 0.1)
    if case == "unreadable":
        (folder / "end.wav").write_bytes(b"RIFF but not a wave")
    if case == "no folder":
        options = ["--set", f"narration={tmp_path / 'nowhere'}"]
    if case == "language":
        options = ["--set", "subtitles=de,xx"]
    if case.startswith("script"):
        from convanim.narration import Cue, write_webvtt
        cues = [Cue(t.id, 0, 1, t.text) for t in spoken]
        cues = cues[:-1] + ([Cue("nonsense", 0, 1, "x")] if case == "script unknown" else [])
        write_webvtt(cues, tmp_path / "script.vtt")
        options += ["--set", f"narration_script={tmp_path / 'script.vtt'}"]
    out = tmp_path / "out" / "lecture.mp4"
    line = error_of(render(SHORT, "ShortConv", out, *options))
    assert message in line
    assert not (tmp_path / "out").exists()


def test_an_edited_script_is_what_the_lecture_says(tmp_path, timeline, monkeypatch):
    from convanim.narration import read_webvtt, write_webvtt, Cue
    monkeypatch.setenv("CONVANIM_CACHE", str(tmp_path / "cache"))
    script = tmp_path / "script.vtt"
    result = subprocess.run([sys.executable, "-m", "convanim.manim.cli", "script", str(SHORT), "ShortConv", "--out",
                             str(script)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-1500:]
    cues = read_webvtt(script)
    spoken = [(k, t) for k, t in enumerate(timeline.texts["en"]) if t.text]
    assert [c.id for c in cues] == [t.id for _, t in spoken]
    assert [(c.start, c.end) for c in cues] == [(pytest.approx(timeline.starts[k] / FPS, abs=1e-3),
                                                 pytest.approx(timeline.ends[k] / FPS, abs=1e-3)) for k, _ in spoken]
    edited = [Cue(c.id, c.start, c.end, "Welcome to the lecture." if c.id == "intro" else c.text) for c in cues]
    write_webvtt(edited, script)
    out = tmp_path / "edited.mp4"
    result = render(SHORT, "ShortConv", out, "--set", "narration=tts", "--set", f"narration_script={script}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert read_webvtt(tmp_path / "edited.en.vtt")[0].text == "Welcome to the lecture."


def test_a_plain_manimgl_scene_still_renders(tmp_path):
    out = tmp_path / "rhythm.mp4"
    result = render(ROOT / "tests" / "scenes" / "slide_rhythm.py", "SlideRhythm", out)
    assert result.returncode == 0, result.stderr[-1500:]
    assert int(probe(out)["nb_read_frames"]) == 135  # three slides of 45 frames, by hand


def test_a_family_without_a_spoken_story_says_so(tmp_path):
    out = tmp_path / "none.mp4"
    line = error_of(render(SHORT, "NoStory", out, "--set", "narration=tts"))
    assert "NoStory.narration: this scene's family has no spoken story yet" in line
    assert not out.exists()


def test_narration_off_is_todays_video(silent, tmp_path):
    out = tmp_path / "off.mp4"
    result = render(SHORT, "ShortConv", out, "--set", "narration=off")
    assert result.returncode == 0, result.stderr[-1500:]
    assert video_md5(out) == video_md5(silent)
    streams = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
                              str(out)], capture_output=True, text=True, check=True).stdout.split()
    assert streams == ["video"] and list(tmp_path.iterdir()) == [out]  # no sound, no subtitle files


def test_voices_are_loudness_normalised_to_minus_16_lufs(tmp_path):
    """Measured by ffmpeg's EBU R 128 meter on what decode() returns, for a quiet and a loud recording."""
    from convanim.narration.soundtrack import write_wav
    from convanim.narration.voices import decode
    for amplitude in (0.05, 0.9):
        t = np.arange(3 * RATE) / RATE
        raw = tmp_path / f"tone_{amplitude}.wav"
        write_wav(amplitude * np.sin(2 * np.pi * 300 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * t)), raw)
        levelled = write_wav(decode(raw), tmp_path / f"levelled_{amplitude}.wav")
        meter = subprocess.run(["ffmpeg", "-nostats", "-i", str(levelled), "-af", "ebur128", "-f", "null", "-"],
                               capture_output=True, text=True).stderr
        integrated = float(re.findall(r"I:\s+(-?\d+\.\d) LUFS", meter)[-1])
        assert integrated == pytest.approx(-16, abs=1.0), f"amplitude {amplitude}: {integrated} LUFS"


def test_a_tts_engine_that_is_not_installed_is_named(tmp_path):
    out = tmp_path / "lecture.mp4"
    line = error_of(render(SHORT, "ShortConv", out, "--set", "narration=tts", "--set",
                           "tts_command=no-such-engine --out {out} {text}"))
    assert "tts_command: 'no-such-engine' is not installed" in line
    assert not out.exists()


def test_a_tts_template_without_its_fields_is_refused(tmp_path):
    line = error_of(render(SHORT, "ShortConv", tmp_path / "x.mp4", "--set", "narration=tts", "--set",
                           "tts_command=espeak-ng hello"))
    assert "ShortConv.tts_command = 'espeak-ng hello': the template must hold {text} and {out}" in line


def test_another_tts_engine_plugs_in(tts_lecture, tmp_path, timeline, monkeypatch):
    """A lecturer's engine through tts_command: here espeak-ng at 120 words a minute (its default is 175), so
    every clip, and the lecture, is longer than with the default engine."""
    from convanim.narration.voices import decode, synthesize
    monkeypatch.setenv("CONVANIM_CACHE", str(tmp_path / "cache"))
    template = "espeak-ng -s 120 -v {language} -w {out} {text}"
    out = tmp_path / "engine.mp4"
    result = render(SHORT, "ShortConv", out, "--set", "narration=tts", "--set", f"tts_command={template}")
    assert result.returncode == 0, result.stderr[-1500:]
    spoken = [t.text for t in timeline.texts["en"] if t.text]
    slow = sum(len(decode(synthesize(text, "en", template))) for text in spoken)
    usual = sum(len(decode(synthesize(text, "en"))) for text in spoken)
    assert slow > 1.2 * usual
    assert int(probe(out)["nb_read_frames"]) > int(probe(tts_lecture)["nb_read_frames"])  # the default engine's


def test_a_notebook_shows_a_narrated_lecture(recorded, tmp_path):
    from convanim.manim import show
    _, folder, _ = recorded
    video = show(str(SHORT), "ShortConv", out=tmp_path / "nb.mp4", narration=str(folder), normalize_voice=False)
    assert "<video" in video._repr_html_()
    assert len(audio(tmp_path / "nb.mp4")) > 0 and (tmp_path / "nb.en.vtt").is_file()
    with pytest.raises(ValueError, match="ShortConv.subtitles = 'xx'"):
        show(str(SHORT), "ShortConv", out=tmp_path / "bad.mp4", subtitles="xx")
    assert not (tmp_path / "bad.mp4").exists()
