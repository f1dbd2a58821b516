"""Parallel segments: the cuts lose or double no frame, the joined video equals the one-process video,
a failed worker leaves nothing behind, and --jobs 1 still renders in one process."""
import subprocess

import pytest

from manim_support import run  # noqa: I001  (imports manimlib first)
from convanim.manim.rendering.segments import frame_count, split_segments
from render_support import FPS, SHORT, load_short, probe, render


def test_frame_counts_by_hand():
    assert frame_count(1 / 3, 30) == 10 and frame_count(0.8, 30) == 24 and frame_count(1.0, 30) == 30
    assert frame_count(0.4, 30) == 12 and frame_count(0.01, 30) == 1


@pytest.mark.parametrize("jobs", [1, 2, 3, 8])
def test_segments_cover_every_animation_once_and_share_the_frames(jobs):
    times = [0.8, 1 / 3, 1 / 3, 1.0, 0.4, 2.0, 1 / 3, 0.8, 1.0, 0.5]
    segments = split_segments(times, jobs, 30)
    assert segments[0][0] == 0 and segments[-1][1] == len(times)
    assert all(a[1] == b[0] for a, b in zip(segments, segments[1:]))  # contiguous: nothing lost or doubled
    assert all(start < end for start, end in segments) and len(segments) <= min(jobs, len(times))
    if jobs <= 3:
        assert len(segments) == jobs  # with 8 jobs a long animation may take two shares: fewer, never empty
    frames = [sum(frame_count(t, 30) for t in times[s:e]) for s, e in segments]
    assert sum(frames) == sum(frame_count(t, 30) for t in times)
    if jobs == 2:  # 223 frames: the cut lands where the halves are closest (by hand: after animation 5)
        assert segments == [(0, 6), (6, 10)] and frames == [24 + 10 + 10 + 30 + 12 + 60, 10 + 24 + 30 + 15]


def test_the_joined_video_is_the_one_process_video(tmp_path):
    one, two = tmp_path / "one.mp4", tmp_path / "two.mp4"
    assert render(SHORT, "ShortConv", one, "--jobs", "1").returncode == 0
    result = render(SHORT, "ShortConv", two, "--jobs", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    a, b = probe(one), probe(two)
    assert a["nb_read_frames"] == b["nb_read_frames"] == a["nb_frames"]
    # No frame lost or doubled at the cut: the count is the scene's duration × fps.
    assert abs(int(b["nb_read_frames"]) - run(load_short("ShortConv")).time * FPS) <= 1
    # The same frames, encoded the same way: PSNR infinite (identical), or at least 45 dB.
    psnr = subprocess.run(["ffmpeg", "-i", str(one), "-i", str(two), "-lavfi", "psnr", "-f", "null", "-"],
                          capture_output=True, text=True).stderr
    line = [x for x in psnr.splitlines() if "PSNR" in x][-1]
    minimum = line.split("min:")[1].split()[0]
    assert minimum == "inf" or float(minimum) >= 45, line


def test_a_failed_worker_leaves_no_file_and_names_its_segment(tmp_path):
    out = tmp_path / "failed.mp4"
    result = render(SHORT, "FailsWhenDrawn", out, "--jobs", "2")
    assert result.returncode == 1
    assert not out.exists() and not list(tmp_path.iterdir())
    last = result.stderr.strip().splitlines()[-1]  # after the workers' progress bars: one line
    assert last.startswith("render: FailsWhenDrawn: segment 1 of 2 (animations 0 to ")
    assert last.endswith("failed: render: FailsWhenDrawn: this scene refuses to draw")


def test_jobs_must_be_a_positive_int(tmp_path):
    result = render(SHORT, "ShortConv", tmp_path / "x.mp4", "--jobs", "0")
    assert result.returncode == 2 and "jobs must be a positive int; got 0" in result.stderr
    assert not (tmp_path / "x.mp4").exists()


def test_a_scene_of_one_animation_renders_in_one_piece(tmp_path):
    out = tmp_path / "one.mp4"
    result = render(SHORT, "OneWait", out, "--jobs", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(probe(out)["nb_read_frames"]) == 15  # 0.5 s at 30 fps


@pytest.mark.parametrize("cores, jobs", [(1, 1), (2, 1), (3, 1), (8, 4), (16, 8)])
def test_the_default_is_one_segment_per_two_cores(monkeypatch, cores, jobs):
    import os

    from convanim.manim.rendering.segments import default_jobs
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert default_jobs() == jobs


def test_the_counted_run_times_give_the_frames_manimgl_writes():
    """The segments are balanced by frame counts: those of the counted run times must be the video's frames
    (summing differences of the scene's clock counted 251 for ShortConv's 244)."""
    from convanim.manim.rendering.segments import animation_times
    from test_render import SHORT
    from convanim.manim.story.timeline import story_timeline
    times = animation_times(str(SHORT), "ShortConv", [])
    assert sum(frame_count(t, 30) for t in times) == story_timeline(str(SHORT), "ShortConv", [], ["en"]).frames == 244
