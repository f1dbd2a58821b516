"""Render a scene in parallel segments and join them: ``render(..., jobs=N)``.

manimgl can start and stop at an animation number (``-n START,END``: the
animations before START run skipped, to their end states, without drawing;
the scene stops before END).  Every animation writes its own frames
(``run_time × fps`` of them, whatever came before), so cutting the timeline
between animations loses or doubles no frame.  The steps:

1. a skipped run in a child process counts the animations and their run
   times (:func:`animation_times`, ``python -m convanim.manim.rendering.segments``);
2. :func:`split_segments` cuts them into ``jobs`` contiguous ranges of about
   equal frame counts;
3. each range renders in a worker process (the same render command with
   ``-n START,END``), into a temporary folder;
4. ffmpeg's concat demuxer joins the pieces.  The pieces are encoded
   losslessly and the joined frames encoded once, with manimgl's own
   settings: encoding each piece lossily would start a new group of
   pictures at every cut and change the frames there (PSNR about 30 dB at
   480p against a one-process render, measured), where this gives the same
   frames.

If a worker fails, nothing is written and the error names the segment.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

#: The worker's error output kept in the message of a failed segment.
ERROR_TAIL = 1500


class SegmentError(RuntimeError):
    """A segment's worker failed: the message names the segment and ends with the worker's own error."""


#: Cores one render process keeps busy: llvmpipe's drawing threads and x264's encoding threads.
CORES_PER_RENDER = 2


def default_jobs() -> int:
    """One segment per ``CORES_PER_RENDER`` cores of the machine (the cores this process may use), at least 1.

    A render process already keeps two cores busy, and the joined frames are
    encoded once more at the end: on this 2-core machine two segments took
    79.7 s for Conv3x3 at 1080p against 75.9 s in one process.  So a 2-core
    machine renders in one process and an 8-core one in four segments.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, cores // CORES_PER_RENDER)


def frame_count(run_time: float, fps: int) -> int:
    """Frames manimgl writes for an animation of ``run_time`` seconds: one per 1/fps step in [0, run_time)."""
    return len(np.arange(0, run_time, 1 / fps))


def split_segments(run_times: list[float], jobs: int, fps: int) -> list[tuple[int, int]]:
    """Contiguous half-open ranges ``(start, end)`` of animation numbers covering every animation once, at
    most ``jobs`` of them, with frame counts as equal as the animation boundaries allow; none empty."""
    frames = np.array([frame_count(t, fps) for t in run_times])
    if len(frames) == 0:
        return []
    jobs = max(1, min(jobs, len(frames)))
    ends = np.cumsum(frames)
    total = ends[-1]
    cuts = [0]
    for k in range(1, jobs):
        cut = int(np.searchsorted(ends, total * k / jobs)) + 1  # first animation after the k-th share
        if cuts[-1] < cut < len(frames):
            cuts.append(cut)
    cuts.append(len(frames))
    return list(zip(cuts[:-1], cuts[1:]))


def animation_times(scene_file: str, scene: str, settings: list[str], voice_waits: list[int] | None = None
                    ) -> list[float]:
    """The run time of each animation (play or wait) of the scene, from a skipped run in a child process
    (``voice_waits``: a narrated render's waits at the end of each story step, see convanim.manim.story)."""
    command = [sys.executable, "-m", "convanim.manim.rendering.segments", scene_file, scene,
               *[arg for s in settings for arg in ("--set", s)],
               *(["--voice-waits", json.dumps(voice_waits)] if voice_waits else [])]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode == 2:  # the scene refused its options (as the one-process render says, exit 2)
        raise ValueError(result.stderr.strip().splitlines()[-1])
    if result.returncode != 0:
        raise SegmentError(f"counting the animations of {scene} failed: {result.stderr[-ERROR_TAIL:].strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])


#: The segments are encoded losslessly (x264 at QP 0, the frames manimgl's filters made); the joined
#: frames are then encoded once, as manimgl encodes a one-process render, so the video is the same.
LOSSLESS_FFMPEG = """#!{python}
import os, sys
args = sys.argv[1:]
os.execvp("ffmpeg", ["ffmpeg", *args[:-1], "-qp", "0", "-preset", "ultrafast", args[-1]])
"""
FINAL_ENCODING = ["-an", "-vcodec", "libx264", "-pix_fmt", "yuv420p"]


def lossless_config(folder: str) -> Path:
    """A manimgl config file whose ffmpeg writes each segment losslessly (see LOSSLESS_FFMPEG)."""
    wrapper = Path(folder, "ffmpeg-lossless")
    wrapper.write_text(LOSSLESS_FFMPEG.format(python=sys.executable))
    wrapper.chmod(0o755)
    config = Path(folder, "segment_config.yml")
    config.write_text(f"file_writer:\n  ffmpeg_bin: {json.dumps(str(wrapper))}\n")
    return config


def last_line(output: str) -> str:
    """A worker's own one-line error: the last line of its output (progress bars aside)."""
    lines = [x.strip() for x in output.replace("\r", "\n").splitlines() if x.strip()]
    return lines[-1] if lines else "(no output)"


def run_showing_progress(command: list[str]) -> subprocess.CompletedProcess:
    """Run a worker, passing its output (manimgl's progress bars) through to this process's stderr as it
    comes, and keep the end of it for an error message."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    tail = ""
    for chunk in iter(lambda: process.stderr.read(256), ""):
        sys.stderr.write(chunk)
        sys.stderr.flush()
        tail = (tail + chunk)[-ERROR_TAIL:]
    process.wait()
    return subprocess.CompletedProcess(command, process.returncode, "", tail)


def render_segments(scene_file: str, scene: str, out: Path, quality: str, settings: list[str], jobs: int,
                    fps: int, extra: list[str], voice_waits: list[int] | None = None) -> Path:
    """Render ``scene`` in up to ``jobs`` segments at once and join them into ``out`` (an .mp4); with
    ``voice_waits``, the narrated scene that waits for its voice (see convanim.manim.story.voiced)."""
    segments = split_segments(animation_times(scene_file, scene, settings, voice_waits), jobs, fps)
    sets = [a for s in settings for a in ("--set", s)]
    if voice_waits:
        sets += ["--voice-waits", json.dumps(voice_waits)]
    if len(segments) < 2:  # nothing to share: one worker renders the whole scene, as --jobs 1 would
        result = run_showing_progress([sys.executable, "-m", "convanim.manim.render", scene_file, scene, "--quality",
                                       quality, "--out", str(out), "--jobs", "1", *sets, *extra])
        if result.returncode != 0:
            raise SegmentError(f"the render failed: {last_line(result.stderr)}")
        return out
    with tempfile.TemporaryDirectory(prefix="convanim-segments-") as folder:
        pieces = [Path(folder, f"segment_{k:03d}.mp4") for k in range(len(segments))]
        config = lossless_config(folder)

        def work(k: int) -> subprocess.CompletedProcess:
            return run_showing_progress(segment_command(scene_file, scene, quality, pieces[k], segments[k], config,
                                                        [*sets, *extra]))

        with ThreadPoolExecutor(max_workers=max(1, len(segments))) as pool:
            results = list(pool.map(work, range(len(segments))))
        for k, result in enumerate(results):
            if result.returncode != 0 or not pieces[k].is_file():
                raise SegmentError(f"{segment_name(segments, k)} failed: {last_line(result.stderr)}")
        joined = join_pieces(pieces, fps, Path(folder, "joined.mp4"))
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(joined), out)
    return out


def segment_name(segments: list[tuple[int, int]], k: int) -> str:
    """``segment 2 of 3 (animations 14 to 27)``: how errors name segment ``k`` of ``segments``."""
    start, end = segments[k]
    return f"segment {k + 1} of {len(segments)} (animations {start} to {end - 1})"


def segment_command(scene_file: str, scene: str, quality: str, piece: Path, segment: tuple[int, int], config: Path,
                    arguments: list[str]) -> list[str]:
    """The render command of one segment (animations ``segment`` = ``(start, end)``, half-open), written
    losslessly to ``piece`` by the manimgl ``config`` of :func:`lossless_config`; ``arguments``: its ``--set``
    and other render arguments."""
    start, end = segment
    return [sys.executable, "-m", "convanim.manim.render", scene_file, scene, "--quality", quality,
            "--out", str(piece), "--jobs", "1", *arguments, "-n", f"{start},{end}", "--config_file", str(config)]


def join_pieces(pieces: list[Path], fps: int, joined: Path) -> Path:
    """The segments ``pieces`` (lossless, in order) joined into ``joined`` and encoded once, as manimgl encodes
    a one-process render (SegmentError with ffmpeg's message if that fails)."""
    listing = joined.with_name(joined.stem + ".pieces.txt")
    listing.write_text("".join(f"file '{p}'\n" for p in pieces))
    result = subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
                             "-r", str(fps), *FINAL_ENCODING, str(joined)], capture_output=True, text=True)
    listing.unlink(missing_ok=True)
    if result.returncode != 0:
        joined.unlink(missing_ok=True)
        raise SegmentError(f"joining the {len(pieces)} segments failed: {result.stderr[-ERROR_TAIL:].strip()}")
    return joined


def _count(scene_file: str, scene: str, settings: list[str], voice_waits: list[int] | None = None) -> list[float]:
    """In this process (argv neutral): run the scene skipped and record each animation's run time."""
    sys.argv = ["manimgl"]
    import convanim.manim._gl  # noqa: F401
    from convanim.manim.options.options import parse_options
    from convanim.manim.rendering.scene_files import load_scene_module, scene_classes
    from convanim.manim.story.voiced import voiced

    base = scene_classes(load_scene_module(scene_file))[scene]
    if voice_waits:
        base = voiced(base, voice_waits)
    options = parse_options(base, settings)
    run_times: list[float] = []

    class Counted(base):
        def get_time_progression(self, run_time, *args, **kwargs):
            # once per play or wait, with its exact run time (differences of the scene's clock drift by float
            # rounding: Conv3x3 counted 1,828 frames where manimgl writes 1,782)
            run_times.append(float(run_time))
            return super().get_time_progression(run_time, *args, **kwargs)

    for name, value in options.items():
        setattr(Counted, name, value)
    Counted.__name__ = scene
    Counted(skip_animations=True).run()
    return run_times


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="print a scene's animation run times as JSON")
    parser.add_argument("scene_file")
    parser.add_argument("scene")
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--voice-waits", default=None)
    args = parser.parse_args()
    try:
        waits = json.loads(args.voice_waits) if args.voice_waits else None
        print(json.dumps(_count(args.scene_file, args.scene, args.set, waits)))
    except Exception as err:  # one line, and the render's exit code (2: the scene refused its options)
        from convanim.manim.rendering.scene_files import exit_code

        print(str(err), file=sys.stderr)
        sys.exit(exit_code(err))
