"""The pipe into ffmpeg is widened to hold a frame (up to Linux's limit) and asks for no identity filter; the video
is the same either way."""
import fcntl
import os
import subprocess
import sys

import pytest

from convanim.manim.speed.movie_pipe import (BackgroundPipe, largest_pipe_size, queue_depth, use_lean_movie_pipe,
                                             widen_pipe, without_identity_filter)

from render_support import SHORT, conv_video, render  # noqa: F401  (conv_video: a fixture)

linux_pipes = pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="pipes are resized on Linux only")


def pipe_size(stream) -> int:
    return fcntl.fcntl(stream.fileno(), fcntl.F_GETPIPE_SZ)


@linux_pipes
def test_a_pipe_grows_to_hold_a_frame_up_to_linuxs_limit():
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader, os.fdopen(write_end, "wb") as writer:
        before = pipe_size(writer)
        frame = 854 * 480 * 4  # one RGBA frame at 480p, 1.6 MB: more than the default limit of 1 MiB
        assert before < frame
        after = widen_pipe(writer, frame)
        assert after == pipe_size(writer)
        assert after >= min(frame, largest_pipe_size())
        assert widen_pipe(writer, 4096) == after  # never shrunk
        reader.close()


def test_a_file_that_is_not_a_pipe_is_left_alone(tmp_path):
    with open(tmp_path / "frames.raw", "wb") as plain:
        assert widen_pipe(plain, 1 << 20) == 0
        plain.write(b"still writable")


def test_only_the_identity_eq_filter_is_dropped():
    command = ["ffmpeg", "-i", "-", "-vf", "vflip,eq=saturation=1:gamma=1", "-an", "out.mp4"]
    assert without_identity_filter(command) == ["ffmpeg", "-i", "-", "-vf", "vflip", "-an", "out.mp4"]
    for kept in ("vflip,eq=saturation=1.2:gamma=1", "vflip,eq=saturation=1:gamma=2.2", "vflip"):
        assert without_identity_filter(["ffmpeg", "-vf", kept, "o.mp4"]) == ["ffmpeg", "-vf", kept, "o.mp4"]
    assert command[4] == "vflip,eq=saturation=1:gamma=1"  # the caller's list is not changed
    assert without_identity_filter(["-vf", "vflip,eq=saturation=1.0:gamma=1.0"]) == ["-vf", "vflip"]  # manimgl's


class FakeWriter:
    """What use_lean_movie_pipe needs of manimgl's SceneFileWriter: an open_movie_pipe that starts its process
    through the subprocess module manimgl's file writer imported (a reader standing in for ffmpeg)."""
    def __init__(self, saturation=1.0, gamma=1.0):
        self.vf = f"vflip,eq=saturation={saturation}:gamma={gamma}"

    def open_movie_pipe(self, file_path):
        from manimlib.scene import scene_file_writer
        reader = [sys.executable, "-c", "import sys; sys.stdin.buffer.read()", "-vf", self.vf, file_path]
        self.writing_process = scene_file_writer.sp.Popen(reader, stdin=scene_file_writer.sp.PIPE)

    def close(self):
        self.writing_process.stdin.close()
        self.writing_process.wait()


@linux_pipes
def test_the_writers_movie_pipe_is_widened_and_lean_each_time_it_opens():
    import convanim.manim._gl  # noqa: F401  (before manimlib)
    from manimlib.scene import scene_file_writer

    writer = FakeWriter()
    use_lean_movie_pipe(writer, 3 * (1 << 19))
    use_lean_movie_pipe(writer, 3 * (1 << 19))  # a second call does not wrap twice
    for _ in range(2):
        writer.open_movie_pipe("movie.mp4")
        try:
            assert pipe_size(writer.writing_process.stdin) >= min(3 * (1 << 19), largest_pipe_size())
            assert writer.writing_process.args[-3:] == ["-vf", "vflip", "movie.mp4"]
            assert writer.writing_process.stdin.frames.maxsize == 32  # 1.5 MiB frames: 42 fit in 64 MiB, at most 32
        finally:
            writer.close()
    assert scene_file_writer.sp is subprocess  # put back after each opening

    kept = FakeWriter(saturation=1.3)
    use_lean_movie_pipe(kept, 1 << 16)
    kept.open_movie_pipe("movie.mp4")
    kept.close()
    assert kept.writing_process.args[-2] == "vflip,eq=saturation=1.3:gamma=1.0"


def test_the_video_is_the_same_through_manimgls_pipe_and_filters(tmp_path, conv_video):
    narrow = tmp_path / "narrow.mp4"
    result = render(SHORT, "ShortConv", narrow, "--speed", "wide_movie_pipe=off", "--speed", "drop_identity_filter=off",
                    "--speed", "background_movie_pipe=off")
    assert result.returncode == 0, result.stderr[-2000:]

    def frame_hashes(path):
        return subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "framemd5", "-"],
                              capture_output=True, text=True, check=True).stdout.splitlines()

    wide = frame_hashes(conv_video)
    assert len(wide) > 30 and wide == frame_hashes(narrow)


def test_frames_wait_for_ffmpeg_as_many_as_64_mib_hold_from_2_to_32():
    assert queue_depth(854 * 480 * 4) == 32  # 480p: 40 would fit
    assert queue_depth(1280 * 720 * 4) == 18  # 720p: 67,108,864 // 3,686,400
    assert queue_depth(1920 * 1080 * 4) == 8  # 1080p: 67,108,864 // 8,294,400
    assert queue_depth(3840 * 2160 * 4) == 2  # 4K: 2 at least, though they fill 66 MB
    assert queue_depth(0) == 32


@pytest.mark.parametrize("depth", [2, 32])
def test_a_background_pipe_writes_every_frame_in_order_then_closes(depth):
    reader = subprocess.Popen([sys.executable, "-c", "import sys, hashlib; "
                               "print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=False)
    frames = [bytes([k]) * (300_000 + k) for k in range(40)]  # of different lengths: order and sizes matter
    pipe = BackgroundPipe(reader.stdin, depth)
    for frame in frames:
        assert pipe.write(frame) == len(frame)
    pipe.close()
    assert pipe.closed
    import hashlib
    assert reader.stdout.read().decode().strip() == hashlib.sha256(b"".join(frames)).hexdigest()
    assert reader.wait() == 0


def test_a_background_pipe_says_when_ffmpeg_stopped():
    reader = subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE)
    reader.wait()  # it left without reading: the writes break the pipe
    pipe = BackgroundPipe(reader.stdin)
    with pytest.raises(BrokenPipeError):
        for _ in range(50):
            pipe.write(b"x" * 1_000_000)
        pipe.flush()
    with pytest.raises(BrokenPipeError):
        pipe.close()  # what was still queued breaks too, and the stream is closed anyway
    assert pipe.closed
