"""A render that is stopped cleans up after itself.

Python's default answer to SIGTERM (what ``timeout``, a scheduler or a closed terminal sends) ends the process at
once: no ``finally`` runs, so a render's temporary folder, with manimgl's partial ``*_temp.mp4`` in it, stayed in
the system's temp directory.  Ctrl-C (SIGINT) was worse: manimgl catches KeyboardInterrupt, closes the movie it
was writing and returns as if it had finished, and the half video was moved to ``--out``.

Inside :func:`stopping_cleanly`, both signals raise :class:`RenderStopped` instead (a BaseException, so neither
manimgl's ``except KeyboardInterrupt`` nor a render's ``except Exception`` takes it for an ordinary failure).
Before it is raised, the process's own children (segment workers, manimgl's ffmpeg) get SIGTERM: a worker is a
render too and cleans up the same way, and an ffmpeg writing into a folder about to be removed stops.  The
exception then unwinds every ``with tempfile.TemporaryDirectory()``, so the folders go, and nothing reaches
``--out``.  An ordinary error that leaves the block after a stop (a write to the stopped ffmpeg, raised from a
``finally`` on the way out) becomes the RenderStopped again.  ``convanim render`` reports one line and exits
128 + the signal's number, as a shell does.
"""
from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

#: The signals a render stops on.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class RenderStopped(BaseException):
    """The render was stopped by ``signum``; nothing was written and its temporary files are gone."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}; nothing written")

    @property
    def exit_code(self) -> int:
        """128 + the signal's number (143 for SIGTERM, 130 for SIGINT), as a shell reports it."""
        return 128 + self.signum


def child_pids(pid: int | None = None) -> list[int]:
    """The direct children of ``pid`` (this process by default), read from Linux's /proc (none elsewhere)."""
    pid = os.getpid() if pid is None else pid
    children: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return children
    for task in tasks:
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return children


def stop_children() -> None:
    """SIGTERM to each child of this process (each cleans up as it is told to stop)."""
    for pid in child_pids():
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass


#: The signal that stopped the block, once one has (see :func:`stopping_cleanly`).
_received: list[int] = []


def _stop(signum: int, frame) -> None:
    for number in STOP_SIGNALS:  # a second signal while unwinding must not interrupt the clean-up
        signal.signal(number, signal.SIG_IGN)
    _received.append(signum)
    stop_children()
    raise RenderStopped(signum)


@contextmanager
def stopping_cleanly() -> Iterator[None]:
    """SIGTERM and SIGINT raise :class:`RenderStopped` inside the block (in the main thread; elsewhere, where
    Python lets no handler be set, the block runs as it is).  The earlier handlers come back after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    _received.clear()
    for number in STOP_SIGNALS:
        signal.signal(number, _stop)
    try:
        yield
    except Exception as err:
        # Once stopped, an ordinary error on the way out (ffmpeg's pipe broken by its stop, raised from a
        # ``finally`` that replaced the RenderStopped) is the stop, not a failure.
        if _received:
            raise RenderStopped(_received[0]) from err
        raise
    finally:
        _received.clear()
        for number, handler in before.items():
            signal.signal(number, handler)


__all__ = ["RenderStopped", "STOP_SIGNALS", "child_pids", "stop_children", "stopping_cleanly"]
