"""Rendering in tests: the short test scenes, the render command at 480p, and reading its video back
(ffprobe for the stream, ffmpeg for raw frames)."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHORT = ROOT / "tests" / "scenes" / "short_scenes.py"
FPS = 30


def load_short(name):
    import importlib.util
    spec = importlib.util.spec_from_file_location("short_scenes_for_render", SHORT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def render(scene_file, scene, out, *flags):
    """The render command at 480p; in one process unless ``flags`` say --jobs (test_segments covers the
    parallel path, which writes the same file)."""
    jobs = [] if "--jobs" in flags else ["--jobs", "1"]
    return subprocess.run([sys.executable, "-m", "convanim.manim.render", str(scene_file), scene, "--quality",
                           "480p", "--out", str(out), *jobs, *flags], cwd=ROOT, capture_output=True, text=True)


def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height,nb_frames,nb_read_frames,r_frame_rate", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["streams"][0]


def frames_at(path, indices, size=(854, 480)):
    select = "+".join(f"eq(n\\,{i})" for i in indices)
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-vf", f"select={select}", "-vsync", "0",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(indices), size[1], size[0], 3)


@pytest.fixture(scope="module")
def conv_video(tmp_path_factory):
    """A short conv scene rendered at 480p (the full Conv3x3 is `make demo`'s, at 1080p: 78 s here at 480p)."""
    out = tmp_path_factory.mktemp("render") / "ShortConv.mp4"
    result = render(SHORT, "ShortConv", out)
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def frames_and_sprites(scene_class, resolution=(854, 480), **switches):
    """Run ``scene_class`` in process with these speed switches (SpeedSettings fields): every frame (H, W, 3 ints),
    the sprite textures drawn by the end of each play, and the scene (its GL context released)."""
    from convanim.manim.speed.settings import SpeedSettings

    frames, drawn = [], []

    class Capturing(scene_class):
        def speed_settings(self):
            return SpeedSettings(**switches)

        def emit_frame(self):
            super().emit_frame()
            frames.append(np.asarray(self.camera.get_image())[..., :3].astype(int))

        def post_play(self):
            textures = self.render_state.sprite_textures
            drawn.append(0 if textures is None else textures.sprites_drawn)
            super().post_play()

    scene = Capturing(camera_config={"resolution": resolution})
    scene.run()
    scene.camera.ctx.release()
    return frames, drawn, scene


def assert_switch_swaps(owner, name: str, use_ours, use_manimgls, ours, manimgls) -> None:
    """A speed switch's pair of functions: ``use_ours()`` puts ``ours`` at ``owner.name``, and ``use_manimgls()``
    puts manimgl's ``manimgls`` back (called last, whatever happens)."""
    try:
        use_ours()
        assert getattr(owner, name) is ours
    finally:
        use_manimgls()
    assert getattr(owner, name) is manimgls
