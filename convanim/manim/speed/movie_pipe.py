"""The pipe into ffmpeg: wide enough for a frame, written from a thread of its own, and no filter that
changes nothing.

A wider pipe: each frame crosses it in a few writes instead of some sixty.

manimgl writes every frame (width × height × 4 bytes: 3.7 MB at 720p, 8.3 MB
at 1080p) into ffmpeg's standard input.  Linux gives a pipe 64 KiB, so the
writer and ffmpeg take turns some sixty times per frame at 720p, each turn a
pair of context switches on a machine whose cores are busy drawing.  Linux
lets the writer enlarge the pipe (``F_SETPIPE_SZ``) up to
``/proc/sys/fs/pipe-max-size`` (1 MiB by default, for a process without
``CAP_SYS_RESOURCE``).  The bytes written and the video are unchanged.

Measured: an empty scene of 914 frames at 720p, rendered by our render
command, took 10.7-11.9 s with the wide pipe against 12.7-13.1 s without
(two runs each, this 2-core machine); FullPadding at 720p 22.5-26.2 s
against 27.7-30.9 s (three interleaved pairs).

No identity filter: manimgl asks ffmpeg for ``-vf vflip,eq=saturation=S:gamma=G``
even when S and G are 1, where ``eq`` changes no pixel but makes ffmpeg
convert every frame once more (a CPU shared with the drawing).  With both at
1 the command says ``-vf vflip`` only.  Measured: the same frames (framemd5);
FullPadding at 720p 25.1-29.6 s against 27.3-33.3 s (three interleaved pairs
on a noisy machine).

A writer thread (:class:`BackgroundPipe`): manimgl's ``write_frame`` waits
until ffmpeg has taken in the whole frame (about 4 ms a frame at 720p, even
through the wide pipe).  The write releases the GIL, so a thread can do it
while the scene computes and draws the next frame; at most two frames wait.
Measured: the same frames (framemd5); FullPadding at 720p 27.0-27.5 s
against 29.7-31.0 s (two interleaved pairs).

How many frames may wait (:func:`queue_depth`): as many as fit in
:data:`QUEUE_BYTES`, between 2 and :data:`MOST_QUEUED_FRAMES`.  A scene's
frames come unevenly: a wait's repeated frames come at once, a busy
animation's one every 15 ms or more, while ffmpeg takes them at its own pace.
With two frames waiting, the scene stood blocked on a full queue 2.3 s of a
26 s Conv3x3 render at 480p (an instrumented render), while ffmpeg idled
through the busy stretches; a deeper queue lets it encode the backlog of a
wait while the next animation is drawn.  Measured in instrumented renders of
Conv3x3 at 480p, alternated: blocked 2.3-2.7 s with 2 frames, 1.1-1.2 s with
8 and 0.4 s with 32; the whole render 28.3-31.9 s with 2 frames against
25.3-27.6 s with 32 (a noisy machine).  Three plain renders of each, alternated,
read 25.2-28.0 s with 2 and 26.3-30.3 s with 64 MiB: within this machine's noise.
"""
from __future__ import annotations

import fcntl
import queue
import re
import subprocess
import threading
import types
from pathlib import Path

#: Where Linux states the largest pipe an unprivileged process may ask for.
PIPE_MAX_SIZE_FILE = Path("/proc/sys/fs/pipe-max-size")
DEFAULT_PIPE_MAX = 1 << 20


def largest_pipe_size() -> int:
    """The largest pipe this process may ask for (Linux's limit; 1 MiB when it cannot be read)."""
    try:
        return int(PIPE_MAX_SIZE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return DEFAULT_PIPE_MAX


def widen_pipe(stream, wanted: int) -> int:
    """Ask for a pipe of ``min(wanted, largest_pipe_size())`` bytes under ``stream`` (a writable file of a pipe).

    Returns the pipe's size afterwards, or 0 where pipes cannot be resized (not Linux, not a pipe): the
    writes then go through as before, only in smaller pieces."""
    set_size, get_size = getattr(fcntl, "F_SETPIPE_SZ", None), getattr(fcntl, "F_GETPIPE_SZ", None)
    if set_size is None or get_size is None:
        return 0
    try:
        fd = stream.fileno()
        if fcntl.fcntl(fd, get_size) < wanted:
            fcntl.fcntl(fd, set_size, min(wanted, largest_pipe_size()))
        return fcntl.fcntl(fd, get_size)
    except (OSError, ValueError):
        return 0


#: manimgl's last filter: ``eq`` with the writer's saturation and gamma (printed as ``1.0`` or ``1``).
EQ_FILTER = re.compile(r",eq=saturation=([0-9.]+):gamma=([0-9.]+)$")


def without_identity_filter(command: list[str]) -> list[str]:
    """``command`` (an ffmpeg command line) with manimgl's ``eq`` filter dropped from ``-vf`` where its
    saturation and gamma are both 1 (it changes no pixel); any other filter or value is kept."""
    command = list(command)
    for i in range(len(command) - 1):
        found = EQ_FILTER.search(command[i + 1]) if command[i] == "-vf" else None
        if found and float(found[1]) == 1.0 and float(found[2]) == 1.0:
            command[i + 1] = command[i + 1][:found.start()]
    return command


#: Frames waiting for ffmpeg hold at most this many bytes (64 MiB: 32 frames at 480p, 8 at 1080p) ...
QUEUE_BYTES = 64 << 20
#: ... and at most this many frames.
MOST_QUEUED_FRAMES = 32


def queue_depth(frame_bytes: int) -> int:
    """How many frames of ``frame_bytes`` bytes may wait for ffmpeg: as many as :data:`QUEUE_BYTES` holds, at
    least 2 and at most :data:`MOST_QUEUED_FRAMES`."""
    return max(2, min(MOST_QUEUED_FRAMES, QUEUE_BYTES // max(1, frame_bytes)))


def use_lean_movie_pipe(writer, frame_bytes: int, wide: bool = True, drop_identity_filter: bool = True,
                        background: bool = True) -> None:
    """Make ``writer`` (manimgl's SceneFileWriter) open every movie pipe widened to hold a frame of
    ``frame_bytes`` (or as much of one as Linux allows) when ``wide``, without the identity ``eq`` filter
    when ``drop_identity_filter``, and written through a :class:`BackgroundPipe` when ``background``.
    Wraps this writer's ``open_movie_pipe`` only, once: manimgl's body runs unchanged, with the
    ``subprocess`` it starts ffmpeg through seen through :func:`without_identity_filter` for that call."""
    if getattr(writer, "_lean_pipe", False) or not (wide or drop_identity_filter or background):
        return
    from manimlib.scene import scene_file_writer

    open_movie_pipe = writer.open_movie_pipe

    def popen_without_identity_filter(command, *args, **kwargs):
        return subprocess.Popen(without_identity_filter(command), *args, **kwargs)

    def open_lean_movie_pipe(file_path: str) -> None:
        module_subprocess = scene_file_writer.sp
        if drop_identity_filter:
            scene_file_writer.sp = types.SimpleNamespace(**{**vars(subprocess), "Popen": popen_without_identity_filter})
        try:
            open_movie_pipe(file_path)
        finally:
            scene_file_writer.sp = module_subprocess
        process = getattr(writer, "writing_process", None)
        if process is None or process.stdin is None:
            return
        if wide:
            widen_pipe(process.stdin, frame_bytes)
        if background:
            process.stdin = BackgroundPipe(process.stdin, queue_depth(frame_bytes))

    writer.open_movie_pipe = open_lean_movie_pipe
    writer._lean_pipe = True


class BackgroundPipe:
    """A pipe's writable end whose ``write`` hands the bytes to a thread that writes them, so the scene draws
    the next frame while ffmpeg takes in the last one.  At most ``depth`` frames wait (memory: ``depth`` ×
    the frame's bytes).  A write that failed in the thread (ffmpeg stopped) is raised by the next ``write``
    or by ``close``, which first writes everything queued."""

    def __init__(self, stream, depth: int = 2) -> None:
        self.stream = stream
        self.frames: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self.write_queued, name="convanim-movie-pipe", daemon=True)
        self.thread.start()

    def write_queued(self) -> None:
        while True:
            data = self.frames.get()
            try:
                if data is None:
                    return
                if self.error is None:
                    self.stream.write(data)
            except BaseException as error:  # noqa: BLE001  (raised again in the scene's thread)
                self.error = error
            finally:
                self.frames.task_done()

    def raise_error(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def write(self, data: bytes) -> int:
        self.raise_error()
        self.frames.put(data if isinstance(data, bytes) else bytes(data))  # bytes do not change while queued
        return len(data)

    @property
    def closed(self) -> bool:
        return self.stream.closed

    def fileno(self) -> int:
        return self.stream.fileno()

    def flush(self) -> None:
        """Wait until every queued frame is written, then flush the stream."""
        self.frames.join()
        self.raise_error()
        self.stream.flush()

    def close(self) -> None:
        if self.thread.is_alive():
            self.frames.put(None)
            self.thread.join()
        try:
            self.raise_error()
        finally:
            self.stream.close()
