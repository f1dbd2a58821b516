"""``convanim build COURSE.toml``: every video of a course that is not up to date, rendered on Dask.

The jobs (:mod:`convanim.manim.course.jobs`) are planned and checked here first: a wrong key, scene or option
stops the build before anything renders.  The jobs that are not up to date run on Dask's distributed scheduler
(https://distributed.dask.org): an embedded ``LocalCluster`` by default, with one single-threaded worker process
per two cores (a render keeps two cores busy: manimgl and its ffmpeg), or the cluster at ``--scheduler``, whose
workers need the same Python environment (convanim with its render extras) and the course's folders at the same
paths (a shared file system).  A progress bar counts the videos; a failed job is reported with its scene,
language, quality and the last lines of its log while the other jobs go on, and the build exits 1 at the end.
``OUT/index.html`` lists every video with its still.  SIGTERM or Ctrl-C cancel the jobs; each render stops
cleanly (no partial file).
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path

from convanim.manim.course.course_file import read_course
from convanim.manim.course.index_page import write_index
from convanim.manim.course.jobs import Job, is_up_to_date, plan_jobs
from convanim.manim.course.worker import run_job

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
    results = run_jobs(stale, scheduler, workers or default_workers(), stream) if stale else []
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


def run_jobs(jobs: list[Job], scheduler: str | None, workers: int, stream) -> list[dict]:
    """Run ``jobs`` on Dask (the cluster at ``scheduler``, or a LocalCluster of ``workers``); each job's result
    (see :func:`convanim.manim.course.worker.run_job`), in the order they finished."""
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
        futures = []
        try:
            # one job at a time a worker; a failed job is a result, not a retry
            futures = [client.submit(run_job, job.as_dict(), key=f"render-{job.name}-{job.language}-{job.quality}-"
                                     f"{hashlib.sha1(job.video.encode()).hexdigest()[:8]}", pure=False, retries=0)
                       for job in jobs]
            results = []
            with tqdm(total=len(futures), desc="build", unit="video", file=stream) as bar:
                for future in as_completed(futures):
                    try:
                        results.append(future.result())
                    except Exception as err:  # the worker died or the task could not run
                        index = futures.index(future)
                        results.append({"job": jobs[index].as_dict(), "ok": False, "worker": "?",
                                        "log": f"{type(err).__name__}: {err}"})
                    bar.update(1)
            return results
        finally:
            if futures:
                client.cancel(futures)
            client.close()
            if cluster is not None:
                cluster.close()


__all__ = ["build", "default_workers", "run_jobs", "MissingDask"]
