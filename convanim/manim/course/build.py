"""``convanim build COURSE.toml``: every video of a course that is not up to date, rendered on Dask.

The jobs (:mod:`convanim.manim.course.jobs`) are planned and checked here first: a wrong key, scene or option
stops the build before anything renders.  The jobs that are not up to date run on Dask's distributed scheduler
(https://distributed.dask.org): an embedded ``LocalCluster`` by default, with one single-threaded worker process
per two cores (a render keeps two cores busy: manimgl and its ffmpeg), or the cluster at ``--scheduler``, whose
workers need the same Python environment (convanim with its render extras) and the course's folders at the same
paths (a shared file system).  A progress bar counts the videos; a failed job is reported with its scene,
language, quality and the last lines of its log while the other jobs go on, and the build exits 1 at the end.
``OUT/index.html`` lists every video with its still.  With the course's ``segment_seconds``, a long silent video
is several tasks: its count, its segments (any worker), and their join (see :mod:`convanim.manim.course.worker`).  SIGTERM or Ctrl-C cancel the jobs; each render stops
cleanly (no partial file).
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
import shutil
import sys
from pathlib import Path

from convanim.manim.course.course_file import read_course
from convanim.manim.course.index_page import write_index
from convanim.manim.course.jobs import Job, is_up_to_date, plan_jobs
from convanim.manim.course.worker import count_job, join_segments, render_segment, run_job, segment_folder

MISSING_DASK = ('convanim build runs its jobs on Dask\'s distributed scheduler; install it with: '
                'pip install "convanim[course]"')


class MissingDask(ImportError):
    """Dask's ``distributed`` package is not installed."""


def default_workers() -> int:
    """One worker per two cores (at least one): a render keeps two cores busy."""
    return max(1, (os.cpu_count() or 2) // 2)


def build(course_file: str | Path, scheduler: str | None = None, workers: int | None = None,
          dry_run: bool = False, stream=None) -> int:
    """Build the course in ``course_file``; returns the exit code (0 built, 1 a job failed).  Lines for the
    lecturer go to ``stream`` (stderr by default).  Raises FileNotFoundError, CourseError, OptionError,
    SceneNotFoundError (one line each) before anything renders, and MissingDask."""
    stream = stream or sys.stderr
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValueError(f"--workers {workers!r}: expected a whole number of 1 or more")
    if workers is not None and scheduler:
        raise ValueError("--workers sets the local cluster's size; a cluster at --scheduler has its own workers")
    course = read_course(course_file)
    jobs = plan_jobs(course)
    stale = [job for job in jobs if not is_up_to_date(job)]
    if dry_run:
        for job in stale:
            print(f"would render {os.path.relpath(job.video, course.output)}  ({job.label})", file=stream)
        print(f"{len(stale)} of {len(jobs)} videos would render; {len(jobs) - len(stale)} up to date", file=stream)
        return 0
    results = run_jobs(stale, scheduler, workers or default_workers(), stream, course.segment_seconds) if stale else []
    index = write_index(course, jobs)
    failed = [r for r in results if not r["ok"]]
    for result in failed:
        job = Job(**{**result["job"], "settings": tuple(result["job"]["settings"])})
        print(f"build: {job.label} of {Path(job.scene_file).name} failed on {result['worker']}:", file=stream)
        for line in result["log"].splitlines():
            print(f"    {line}", file=stream)
    print(f"{len(results) - len(failed)} rendered, {len(jobs) - len(stale)} up to date, {len(failed)} failed; "
          f"the index: {index}", file=stream)
    return 1 if failed else 0


def segments_of(times: list[float], segment_seconds: float) -> list[tuple[int, int]]:
    """Animation ranges of about ``segment_seconds`` each for a scene whose animations last ``times``."""
    from convanim.manim.render import FPS
    from convanim.manim.rendering.segments import split_segments

    pieces = max(1, math.ceil(sum(times) / segment_seconds - 1e-9))
    return split_segments(times, pieces, FPS)


def run_jobs(jobs: list[Job], scheduler: str | None, workers: int, stream, segment_seconds: float = 0.0
             ) -> list[dict]:
    """Run ``jobs`` on Dask (the cluster at ``scheduler``, or a LocalCluster of ``workers``); each job's result
    (see :func:`convanim.manim.course.worker.run_job`), in the order they finished.  With ``segment_seconds``,
    a silent job first counts its animations (a task); if it lasts longer, its segments become tasks of their
    own, and a last task joins them once they are done."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise MissingDask(MISSING_DASK) from None
    from tqdm import tqdm

    from convanim.manim.rendering.stopping import stopping_cleanly

    logging.getLogger("distributed").setLevel(logging.ERROR)  # manimlib's logging set-up would print Dask's INFO
    cluster = None
    with stopping_cleanly():
        if scheduler:
            try:
                client = Client(scheduler, timeout="20s")
            except OSError as err:
                raise ConnectionError(f"--scheduler {scheduler}: no Dask scheduler answered ({err})") from None
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
            client = Client(cluster)
        owner, counting = {}, {}  # every future submitted, to its job; the counting ones, to their job

        def submit(function, *args, name: str, job: Job):
            # one task at a time a worker; a failed task is a result, not a retry
            future = client.submit(function, *args, key=f"{name}-{job.name}-{job.language}-{job.quality}-"
                                   f"{hashlib.sha1(job.video.encode()).hexdigest()[:8]}", pure=False, retries=0)
            owner[future] = job
            return future

        try:
            pending = as_completed()
            for job in jobs:
                if segment_seconds > 0 and not job.narrated:  # a narrated video's voice is planned whole
                    shutil.rmtree(segment_folder(job), ignore_errors=True)  # pieces of a stopped build
                    counting[submit(count_job, job.as_dict(), name="count", job=job)] = job
                else:
                    pending.add(submit(run_job, job.as_dict(), name="render", job=job))
            for future in counting:
                pending.add(future)
            results = []
            with tqdm(total=len(jobs), desc="build", unit="video", file=stream) as bar:
                for future in pending:
                    job = counting.get(future)
                    try:
                        result = future.result()
                    except Exception as err:  # the worker died or the task could not run
                        result = {"ok": False, "worker": "?", "log": f"{type(err).__name__}: {err}"}
                    if job is not None and result["ok"]:  # counted: render it whole, or in segments
                        pending.add(segmented(job, segments_of(result["times"], segment_seconds), submit))
                        continue
                    result.setdefault("job", owner[future].as_dict())
                    results.append(result)
                    bar.update(1)
            return results
        finally:
            if owner:
                client.cancel(list(owner))
            client.close()
            if cluster is not None:
                cluster.close()


def segmented(job: Job, segments: list[tuple[int, int]], submit):
    """The future of ``job``'s result: one render task for one segment, else a task per segment and a joining
    task that Dask starts when they are done (it gets their results)."""
    from convanim.manim.render import FPS

    if len(segments) < 2:
        return submit(run_job, job.as_dict(), name="render", job=job)
    pieces = [submit(render_segment, job.as_dict(), segments, k, name=f"segment{k}", job=job)
              for k in range(len(segments))]
    return submit(join_segments, job.as_dict(), pieces, FPS, name="join", job=job)


__all__ = ["build", "default_workers", "run_jobs", "MissingDask"]
