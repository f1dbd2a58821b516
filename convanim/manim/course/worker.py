"""One course job, as a Dask worker runs it: the render in a process of its own, a still from the video, the
manifest.

Each render is a fresh ``python -m convanim.manim.render`` process (manimlib reads its command line once, on
import, and keeps an OpenGL context: one scene a process), with ``--jobs 1`` (the build's parallelism is its
workers).  The render moves its video to the job's path only when it finished; the still and the manifest are
written whole, then renamed; the manifest last, so a job stopped at any point is seen as not done.  The render
gets SIGTERM if the worker process dies (Linux's parent-death signal), and a stopped render leaves no file
(:mod:`convanim.manim.rendering.stopping`).  Imports no manim and no Dask: a worker needs only convanim installed.

A long silent video can be several jobs (the course's ``segment_seconds``): :func:`count_job` runs the scene
skipped for its animations' run times, :func:`render_segment` renders one range of them losslessly into the
job's segment folder (on the shared output folder), and :func:`join_segments` joins them as
:mod:`convanim.manim.rendering.segments` does on one machine, so the video is the one a single job renders.
"""
from __future__ import annotations

import ctypes
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from convanim.manim.course.jobs import Job, write_manifest

#: Lines of a failed render's log kept for the report.
LOG_LINES = 8


def _die_with_parent() -> None:
    """In the render's process, before it starts: SIGTERM when the worker that started it dies (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker_name() -> str:
    """The Dask worker running this (its address), or ``local`` outside one."""
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "local"


def last_lines(text: str, count: int = LOG_LINES) -> str:
    lines = [line.strip() for line in text.replace("\r", "\n").splitlines() if line.strip()]
    return "\n".join(lines[-count:])


def job_of(fields: dict) -> Job:
    """The Job of :meth:`Job.as_dict`'s ``fields`` (as Dask hands them to a worker)."""
    return Job(**{**fields, "settings": tuple(fields["settings"])})


def render_command(job: Job, out: Path, sources: Path) -> list[str]:
    """The render of ``job`` into ``out``, in one process, writing the files it loaded to ``sources``."""
    return [sys.executable, "-m", "convanim.manim.render", job.scene_file, job.scene, "--quality", job.quality,
            "--jobs", "1", "--out", str(out), "--sources-out", str(sources),
            *(a for s in job.settings for a in ("--set", s))]


def run_render(command: list[str]) -> subprocess.CompletedProcess:
    """Run a render command; it gets SIGTERM when this worker dies."""
    return subprocess.run(command, capture_output=True, text=True, preexec_fn=_die_with_parent)


def failed(fields: dict, worker: str, log: str) -> dict:
    return {"job": fields, "ok": False, "worker": worker, "log": log}


def finish_job(fields: dict, worker: str, sources: list[str], started: float, workers: list[str] = ()) -> dict:
    """After the job's video is in place: its still, then its manifest (``workers``: each segment's)."""
    job = job_of(fields)
    error = write_still(Path(job.video), Path(job.still))
    if error:
        return failed(fields, worker, error)
    write_manifest(job, sources, worker, subtitles_written(Path(job.video), started), list(workers))
    return {"job": fields, "ok": True, "worker": worker, "log": ""}


def run_job(fields: dict) -> dict:
    """Render the job described by ``fields`` (:meth:`Job.as_dict`); returns ``{"job", "ok", "log", "worker"}``
    (``log``: the last lines of the render's output when it failed)."""
    job = job_of(fields)
    worker = worker_name()
    Path(job.video).parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="convanim-job-") as folder:
        sources = Path(folder, "sources.json")
        result = run_render(render_command(job, Path(job.video), sources))
        if result.returncode != 0 or not sources.is_file():
            return failed(fields, worker, last_lines(result.stderr + result.stdout) or f"exit code {result.returncode}")
        return finish_job(fields, worker, json.loads(sources.read_text()), started)


# A long video as segment jobs: count its animations, render each range of them, join.

def segment_folder(job: Job) -> Path:
    """Where a job's segments are written: beside its manifest, on the course's (shared) output folder."""
    return Path(job.manifest).with_suffix(".segments")


def count_job(fields: dict) -> dict:
    """The run time of each animation of the job's scene (a skipped run): ``{"ok", "times"}`` or a failure."""
    from convanim.manim.rendering.segments import animation_times

    job = job_of(fields)
    try:
        return {"job": fields, "ok": True, "times": animation_times(job.scene_file, job.scene, list(job.settings))}
    except Exception as err:  # noqa: BLE001  (reported with the job, as a failed render is)
        return failed(fields, worker_name(), last_lines(str(err)))


def render_segment(fields: dict, segments: list[tuple[int, int]], k: int) -> dict:
    """Render segment ``k`` of ``segments`` (animation ranges) of the job, losslessly, into its segment folder:
    ``{"ok", "piece", "sources", "worker"}`` or a failure naming the segment."""
    from convanim.manim.rendering.segments import lossless_config, segment_command, segment_name

    job = job_of(fields)
    worker = worker_name()
    folder = segment_folder(job)
    piece, sources = folder / f"segment_{k:03d}.mp4", folder / f"segment_{k:03d}.json"
    own = folder / f"config_{k:03d}"  # each segment's own ffmpeg wrapper: no two workers write one file
    own.mkdir(parents=True, exist_ok=True)
    config = lossless_config(str(own))
    arguments = [*(a for s in job.settings for a in ("--set", s)), "--sources-out", str(sources)]
    result = run_render(segment_command(job.scene_file, job.scene, job.quality, piece, tuple(segments[k]), config,
                                        arguments))
    if result.returncode != 0 or not piece.is_file() or not sources.is_file():
        return failed(fields, worker, f"{segment_name(segments, k)}: "
                                      f"{last_lines(result.stderr + result.stdout) or f'exit code {result.returncode}'}")
    return {"job": fields, "ok": True, "worker": worker, "piece": str(piece),
            "sources": json.loads(sources.read_text()), "log": ""}


def join_segments(fields: dict, pieces: list[dict], fps: int) -> dict:
    """Join the rendered ``pieces`` (:func:`render_segment`'s results, in order) into the job's video, then its
    still and manifest; the segment folder is removed either way.  The first failed piece fails the job."""
    import shutil

    from convanim.manim.rendering.segments import SegmentError, join_pieces

    job = job_of(fields)
    worker = worker_name()
    folder = segment_folder(job)
    try:
        for piece in pieces:
            if not piece["ok"]:
                return failed(fields, piece["worker"], piece["log"])
        started = time.time()
        partial = Path(job.video).with_name(Path(job.video).stem + ".part.mp4")
        partial.parent.mkdir(parents=True, exist_ok=True)
        try:
            join_pieces([Path(p["piece"]) for p in pieces], fps, partial)
        except SegmentError as err:
            return failed(fields, worker, last_lines(str(err)))
        partial.replace(job.video)
        sources = sorted({source for piece in pieces for source in piece["sources"]})
        return finish_job(fields, worker, sources, started, [piece["worker"] for piece in pieces])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def subtitles_written(video: Path, since: float) -> list[str]:
    """The subtitle files a narrated render wrote beside ``video`` (``<Name>.<language>.vtt`` and ``.srt``) since
    ``since`` (a time); older ones of that video (languages no longer asked for) are removed."""
    written = []
    for path in sorted([*video.parent.glob(f"{video.stem}.*.vtt"), *video.parent.glob(f"{video.stem}.*.srt")]):
        if path.stat().st_mtime >= since - 1:  # file times may be coarser than time.time()
            written.append(str(path))
        else:
            path.unlink(missing_ok=True)
    return written


def write_still(video: Path, still: Path, at: float = 0.4) -> str:
    """A JPEG of the frame ``at`` of the way through ``video``, for the index page; '' or ffmpeg's error."""
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                            str(video)], capture_output=True, text=True)
    try:
        seconds = float(probe.stdout.strip()) * at
    except ValueError:
        return f"ffprobe could not read {video.name}: {last_lines(probe.stderr, 1)}"
    partial = still.with_name(still.stem + ".part.jpg")
    made = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-ss", f"{seconds:.3f}", "-i", str(video),
                           "-frames:v", "1", "-q:v", "3", str(partial)], capture_output=True, text=True)
    if made.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        return f"ffmpeg could not take a still of {video.name}: {last_lines(made.stderr, 1)}"
    partial.replace(still)
    return ""


__all__ = ["run_job", "count_job", "render_segment", "join_segments", "segment_folder", "write_still",
           "worker_name", "subtitles_written"]
