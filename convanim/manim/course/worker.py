"""One course job, as a Dask worker runs it: the render in a process of its own, a still from the video, the
manifest.

Each render is a fresh ``python -m convanim.manim.render`` process (manimlib reads its command line once, on
import, and keeps an OpenGL context: one scene a process), with ``--jobs 1`` (the build's parallelism is its
workers).  The render moves its video to the job's path only when it finished; the still and the manifest are
written whole, then renamed; the manifest last, so a job stopped at any point is seen as not done.  The render
gets SIGTERM if the worker process dies (Linux's parent-death signal), and a stopped render leaves no file
(:mod:`convanim.manim.rendering.stopping`).  Imports no manim and no Dask: a worker needs only convanim installed.
"""
from __future__ import annotations

import ctypes
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


def run_job(fields: dict) -> dict:
    """Render the job described by ``fields`` (:meth:`Job.as_dict`); returns ``{"job", "ok", "log", "worker"}``
    (``log``: the last lines of the render's output when it failed)."""
    job = Job(**{**fields, "settings": tuple(fields["settings"])})
    worker = worker_name()
    Path(job.video).parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="convanim-job-") as folder:
        sources = Path(folder, "sources.json")
        command = [sys.executable, "-m", "convanim.manim.render", job.scene_file, job.scene, "--quality",
                   job.quality, "--jobs", "1", "--out", job.video, "--sources-out", str(sources),
                   *(a for s in job.settings for a in ("--set", s))]
        result = subprocess.run(command, capture_output=True, text=True, preexec_fn=_die_with_parent)
        if result.returncode != 0 or not sources.is_file():
            return {"job": fields, "ok": False, "worker": worker,
                    "log": last_lines(result.stderr + result.stdout) or f"exit code {result.returncode}"}
        error = write_still(Path(job.video), Path(job.still))
        if error:
            return {"job": fields, "ok": False, "worker": worker, "log": error}
        import json

        write_manifest(job, json.loads(sources.read_text()), worker, subtitles_written(Path(job.video), started))
    return {"job": fields, "ok": True, "worker": worker, "log": ""}


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


__all__ = ["run_job", "write_still", "worker_name", "subtitles_written"]
