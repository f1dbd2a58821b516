"""Rendering to files without a display, checked with ffprobe; same seed, same frames."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from manim_support import run

from render_support import FPS, ROOT, SHORT, conv_video, frames_at, load_short, probe, render  # noqa: F401


def test_a_conv_scene_renders_a_complete_480p_mp4(conv_video):
    info = probe(conv_video)
    assert (info["width"], info["height"]) == (854, 480)
    assert info["r_frame_rate"] == f"{FPS}/1"
    duration = run(load_short("ShortConv")).time  # the scene's run time, from a skipped run
    assert abs(int(info["nb_read_frames"]) - duration * FPS) <= 2
    assert int(info["nb_read_frames"]) == int(info["nb_frames"])  # every frame decodes: it plays to the end
    errors = subprocess.run(["ffmpeg", "-v", "error", "-i", str(conv_video), "-f", "null", "-"],
                            capture_output=True, text=True).stderr
    assert errors == ""


def test_same_seed_gives_identical_frames(tmp_path):
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    for out in (a, b):
        result = render(SHORT, "ShortConv", out)
        assert result.returncode == 0, result.stderr[-2000:]
    n = int(probe(a)["nb_read_frames"])
    assert n == int(probe(b)["nb_read_frames"])
    indices = sorted({0, n // 7, n // 3, n // 2, 2 * n // 3, n - 1})
    fa, fb = frames_at(a, indices), frames_at(b, indices)
    assert fa.std() > 5  # the frames are not blank
    np.testing.assert_array_equal(fa, fb)


def test_a_still_is_written_as_png(tmp_path):
    out = tmp_path / "still.png"
    result = render(SHORT, "ShortConv", out, "--still")
    assert result.returncode == 0, result.stderr[-2000:]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_impossible_options_write_nothing_and_say_one_line(tmp_path):
    out = tmp_path / "bad.mp4"
    result = render(SHORT, "KernelTooLarge", out)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("render: KernelTooLarge: kernel_size (5, 5)"), result.stderr
    assert "larger than the padded input" in lines[0]
    assert not out.exists()
    verbose = render(SHORT, "KernelTooLarge", out, "--verbose")
    assert "Traceback (most recent call last)" in verbose.stderr and verbose.returncode == 2


def test_plain_manimgl_with_a_refused_scene_leaves_no_partial_movie(tmp_path):
    manimgl = Path(sys.executable).with_name("manimgl")
    env = {**os.environ, "PYGLET_HEADLESS": "1"}
    result = subprocess.run([str(manimgl), str(SHORT), "KernelTooLarge", "-w", "-l", "--video_dir", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, env=env)
    assert "larger than the padded input" in result.stderr
    assert list(tmp_path.rglob("*.mp4")) == []


def test_missing_ffmpeg_is_named(tmp_path, monkeypatch):
    from convanim.manim import headless
    monkeypatch.setattr(headless.shutil, "which", lambda name: None)
    with pytest.raises(headless.RenderSetupError, match="ffmpeg.*apt-get install -y ffmpeg"):
        headless.check_render_tools()


def test_decoded_frames_show_what_the_scene_holds_at_the_end_of_each_play(conv_video):
    """Content, not containers: the video's frame at the end of a play is the frame the headless scene draws
    of its state after that play (animations skipped, the frame drawn as the writer draws it), within H.264's
    loss, and nearer to it than to the states after the other plays checked."""
    ends, images = [], []

    class Holding(load_short("ShortConv")):
        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            self.update_frame(force_draw=True)
            ends.append(self.time)
            raw = np.frombuffer(self.raw_frame(), np.uint8).reshape(480, 854, 4)
            images.append(raw[::-1, :, :3].astype(int))

    scene = Holding(skip_animations=True, camera_config={"resolution": (854, 480)})
    scene.run()
    scene.camera.ctx.release()
    picked = [3, len(ends) // 3, len(ends) // 2, len(ends) - 1]
    video = frames_at(conv_video, [int(round(ends[p] * FPS)) - 1 for p in picked]).astype(int)
    for frame, own in zip(video, picked):
        distances = {p: float(np.abs(frame - images[p]).mean()) for p in picked}
        assert distances[own] < 3.5, distances  # measured 1.6 to 2.6 (of 255) at 480p
        assert min(distances, key=distances.get) == own, distances
