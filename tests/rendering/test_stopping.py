"""Issue 38: a render stopped by SIGTERM (timeout, a scheduler, a closed terminal) or SIGINT (Ctrl-C) leaves
nothing behind: no temporary folder with a partial ``*_temp.mp4`` in the temp directory, no file at ``--out``, no
worker or ffmpeg still running; it exits 128 + the signal's number with one line."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return False


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("signum, jobs", [(signal.SIGTERM, 1), (signal.SIGINT, 2)])
def test_a_stopped_render_leaves_no_file_and_no_process(tmp_path, signum, jobs):
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "Conv3x3.mp4"
    render = subprocess.Popen(
        [sys.executable, "-m", "convanim.manim.render", str(ROOT / "scenes" / "conv3x3.py"), "Conv3x3", "--quality",
         "480p", "--jobs", str(jobs), "--out", str(out)],
        cwd=tmp_path, env=os.environ | {"TMPDIR": str(temp)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True)  # its own process group: the test can see every process it started
    try:
        # manimgl's ffmpeg is writing the partial movie: the moment a stop used to leave it behind
        assert wait_for(lambda: any(temp.rglob("*_temp.mp4")), 120), "the render never started writing"
        time.sleep(1.0)
        render.send_signal(signum)
        _, stderr = render.communicate(timeout=60)
    finally:
        if render.poll() is None:
            os.killpg(render.pid, signal.SIGKILL)
    assert render.returncode == 128 + signum
    name = signal.Signals(signum).name
    # the last line (after manimgl's progress bar, which ends without a newline)
    assert stderr.strip().splitlines()[-1].endswith(f"render: Conv3x3: stopped by {name}; nothing written")
    assert wait_for(lambda: not group_alive(render.pid), 20), "a worker or ffmpeg outlived the render"
    assert list(temp.iterdir()) == []  # no temporary folder, no partial movie
    assert not out.exists() and list(tmp_path.iterdir()) == [temp]
