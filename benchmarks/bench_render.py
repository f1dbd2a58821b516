"""Rendering cost of the scenes against an empty scene of the same length, in one run.

    python benchmarks/bench_render.py [--qualities 480p 1080p] [--scenes Conv3x3 MnistSizedConv]
    python benchmarks/bench_render.py --qualities 720p --scenes PaddingStridesOdd MaxPoolPadded StridesScatter
    python benchmarks/bench_render.py --qualities 720p --scenes FeatureMaps
    python benchmarks/bench_render.py --qualities 720p --family     # every scene of the scene files
    python benchmarks/bench_render.py --goal    # Conv3x3 at 1080p, then every scene at 720p: the 2x goal
    python benchmarks/bench_render.py --qualities 480p 720p 1080p --floor   # one line of text vs nothing
    python benchmarks/bench_render.py --qualities 1080p --scenes Conv3x3 --levers   # what each change bought
    python benchmarks/bench_render.py --qualities 480p --parts   # where a frame's time goes (frame_parts.py)
    python benchmarks/bench_render.py --qualities 480p --repeat 3   # medians of three runs taken in turn

Each scene is rendered to MP4 by the documented command (`python -m
convanim.manim.render`, as `make demo` does: parallel segments, one per two
cores, so one process on a 2-core machine), then again with `--jobs 1` (one process), then an empty scene that
only waits for the same duration, rendered by plain manimgl in one process
(`--jobs 1`).  The table gives seconds, frames, ms per frame, the speed-up of
the documented command over `--jobs 1`, and the ratio documented command /
empty scene.  The figures are single runs (a render takes minutes).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from common import print_table, recorded  # noqa: E402

from convanim.manim.rendering.segments import default_jobs  # noqa: E402  (imports neither manimlib nor torch)

ROOT = Path(__file__).resolve().parents[1]
SCENE_FILES = {"Conv3x3": "scenes/conv3x3.py", "MnistSizedConv": "scenes/conv3x3.py"}
for _path in sorted((ROOT / "scenes").glob("[!_]*.py")):  # every scene each gallery file lists, in file order
    _text = _path.read_text()
    for _name in _text.split("SCENES_IN_ORDER = [")[1].split("]")[0].replace("\n", " ").split(","):
        if _name.strip() and _name.strip() not in SCENE_FILES:
            SCENE_FILES[_name.strip()] = f"scenes/{_path.name}"

EMPTY_SCENE = '''
from manimlib import Scene


class EmptyScene(Scene):
    duration = {duration}

    def construct(self):
        self.wait(self.duration)
'''

CAPTION_SCENE = '''
from convanim.manim.rendering.batched_scene import BatchedScene
from convanim.manim.mobjects.cells import caption_text


class CaptionOnly(BatchedScene):
    duration = {duration}

    def construct(self):
        self.add(caption_text("one line of text and nothing else", 26))
        self.wait(self.duration)
'''


ONE = ("--jobs", "1")  # one process


def scene_duration(scene_file: str, scene: str) -> float:
    """Length of a scene in seconds, from a run with animations skipped (in a subprocess)."""
    code = f"""
import sys, importlib.util
sys.argv = ["manimgl"]
import convanim.manim._gl
spec = importlib.util.spec_from_file_location("s", {str(ROOT / scene_file)!r})
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
s = getattr(m, {scene!r})(skip_animations=True); s.run(); print(s.time)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def timed_render(scene_file: str, scene: str, quality: str, out: Path, *extra: str) -> tuple[float, int]:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "convanim.manim.render", scene_file, scene, "--quality", quality,
                    "--out", str(out), *extra], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                            "stream=nb_read_frames", "-of", "json", str(out)], capture_output=True, text=True,
                           check=True)
    frames = int(json.loads(probe.stdout)["streams"][0]["nb_read_frames"])
    return seconds, frames


def measure_floor(qualities: list[str], duration: float = 20.0) -> None:
    """One caption (so one fill pass a frame) against nothing, same length, same command."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        caption_file, empty_file = Path(folder, "caption.py"), Path(folder, "empty.py")
        caption_file.write_text(CAPTION_SCENE.format(duration=duration))
        empty_file.write_text(EMPTY_SCENE.format(duration=duration))
        for quality in qualities:
            c_time, c_frames = timed_render(str(caption_file), "CaptionOnly", quality, Path(folder, "c.mp4"), *ONE)
            e_time, e_frames = timed_render(str(empty_file), "EmptyScene", quality, Path(folder, "e.mp4"), *ONE)
            rows.append([quality, c_frames, f"{c_time:.1f}", f"{e_time:.1f}", f"{1e3 * c_time / c_frames:.1f}",
                         f"{1e3 * e_time / e_frames:.1f}", f"{c_time / e_time:.2f}"])
    print_table(["quality", "frames", "one caption s", "empty s", "ms/frame", "empty ms/frame", "ratio"], rows)


LAYER = ["--speed", "redraw_layer_changes=off"]
CURVES = ["--speed", "vectorise_curve_insertion=off", *LAYER]
BYTES = ["--speed", "join_vertex_bytes=off", *CURVES]
GLYPHS = ["--speed", "glyph_disk_cache=off", *BYTES]
JOINTS = ["--speed", "skip_unchanged_joint_angles=off", *GLYPHS]
SLIDES = ["--speed", "draw_shifts_once=off", *JOINTS]
RASTER = ["--speed", "raster_in_render_thread=off", *SLIDES]
SHIFTS = ["--speed", "shifts=manimgl", *RASTER]
STROKES = ["--speed", "skip_empty_strokes=False", *SHIFTS]
LEVERS = [  # (name, settings): each row adds one change to the one above, all in one process (--jobs 1).
    # Every row builds captions from glyphs converted once per process (glyph_text.py), draws the live part in
    # clusters, makes the render groups once a frame and keeps the camera's uniforms while it does not move; where
    # fades are drawn once, grids fade as layers and slide with them.
    ("manimgl's fill canvas and shader ids, every mobject drawn every frame",
     ["--speed", "fill_canvas=manimgl", "--speed", "draw_still_parts_once=False", "--speed", "shader_ids=manimgl",
      *STROKES]),
    ("frame-sized fill canvas", ["--speed", "draw_still_parts_once=False", "--speed", "shader_ids=manimgl", *STROKES]),
    ("+ still parts drawn once", ["--speed", "shader_ids=manimgl", *STROKES]),
    ("+ shader ids hashed from values", [*STROKES]),
    ("+ empty stroke passes skipped", [*SHIFTS]),
    ("+ shifts move the points in place", [*RASTER]),
    ("+ small frames rasterised in the rendering thread", [*SLIDES]),
    ("+ sliding mobjects drawn once, composited where they have moved", [*JOINTS]),
    ("+ joint angles recomputed only where data changed", [*GLYPHS]),
    ("+ glyphs read from the disk cache", [*BYTES]),
    ("+ vertices gathered by joining their bytes", [*CURVES]),
    ("+ curves split for alignment with arrays", [*LAYER]),
    ("+ the still layer drawn again only where it changed", []),
]


def with_empty_scenes(scenes: list[str], folder: str):
    """Each scene with the file of an empty scene as long (written in ``folder``)."""
    for scene in scenes:
        empty_file = Path(folder, "empty.py")
        empty_file.write_text(EMPTY_SCENE.format(duration=scene_duration(SCENE_FILES[scene], scene)))
        yield scene, empty_file


def measure_levers(scenes: list[str], qualities: list[str]) -> None:
    """Each render-speed change on its own: the same scene rendered with the changes switched on one by one."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for scene, empty_file in with_empty_scenes(scenes, folder):
            for quality in qualities:
                e_time, _ = timed_render(str(empty_file), "EmptyScene", quality, Path(folder, "e.mp4"), *ONE)
                for name, settings in LEVERS:
                    seconds, frames = timed_render(SCENE_FILES[scene], scene, quality, Path(folder, "s.mp4"), *ONE,
                                                   *settings)
                    rows.append([scene, quality, name, f"{seconds:.1f}", f"{1e3 * seconds / frames:.1f}",
                                 f"{e_time:.1f}", f"{seconds / e_time:.2f}"])
                    print(" | ".join(map(str, rows[-1])), file=sys.stderr, flush=True)
    print_table(["scene", "quality", "drawing", "render s (--jobs 1)", "ms/frame", "empty s", "ratio"], rows)


def measure_parts(scenes: list[str], qualities: list[str]) -> None:
    """Each scene rendered once with its frame's steps timed (frame_parts.py), then an empty scene as long."""
    with tempfile.TemporaryDirectory() as folder:
        for scene, empty_file in with_empty_scenes(scenes, folder):
            for quality in qualities:
                parts = subprocess.run([sys.executable, str(Path(__file__).with_name("frame_parts.py")),
                                        SCENE_FILES[scene], scene, "--quality", quality, "--out",
                                        str(Path(folder, "s.mp4"))], check=True, cwd=ROOT, capture_output=True,
                                       text=True)
                print(parts.stdout.split("-- frame parts --\n", 1)[-1])
                e_time, e_frames = timed_render(str(empty_file), "EmptyScene", quality, Path(folder, "e.mp4"), *ONE)
                print(f"the empty scene, {quality}: {e_time:.1f} s, {1e3 * e_time / e_frames:.1f} ms per frame\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qualities", nargs="+", default=["480p", "1080p"])
    parser.add_argument("--scenes", nargs="+", default=["Conv3x3", "MnistSizedConv"])
    parser.add_argument("--family", action="store_true", help="every scene of the scene files except the two above")
    parser.add_argument("--goal", action="store_true",
                        help="the goal's whole set in one run: Conv3x3 at 1080p (with the --jobs 1 speed-up), then "
                             "every scene, Conv3x3 and MnistSizedConv included, at 720p")
    parser.add_argument("--no-speedup", action="store_true", help="skip the --jobs 1 render (no speed-up column)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="render each scene, its --jobs 1 run and its empty scene this many times in turn and "
                             "give the medians (the empty scene alone varies by about 20%% between runs here)")
    parser.add_argument("--floor", action="store_true",
                        help="only measure a 20 s scene showing one line of text against an empty one: the "
                             "cost of manimgl's fill pass alone")
    parser.add_argument("--levers", action="store_true",
                        help="render the scenes with each render-speed change switched on in turn (one process)")
    parser.add_argument("--parts", action="store_true",
                        help="render each scene once (--jobs 1) with a frame's main steps timed, and an empty scene "
                             "of the same length (benchmarks/frame_parts.py)")
    args = parser.parse_args()
    if args.parts:
        measure_parts(args.scenes, args.qualities)
        return
    if args.levers:
        measure_levers(args.scenes, args.qualities)
        return
    if args.floor:
        measure_floor(args.qualities)
        return
    if args.goal:
        pairs = [("Conv3x3", "1080p")] + [(scene, "720p") for scene in SCENE_FILES]
        measure_against_empty(pairs, with_speedup={("Conv3x3", "1080p")})
        return
    scenes = ([name for name in SCENE_FILES if name not in ("Conv3x3", "MnistSizedConv")] if args.family
              else args.scenes)
    pairs = [(scene, quality) for scene in scenes for quality in args.qualities]
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1; got {args.repeat}")
    per_frame = measure_against_empty(pairs, with_speedup=set() if args.no_speedup else set(pairs),
                                      repeat=args.repeat)
    for quality in args.qualities:
        if ("MnistSizedConv", quality) in per_frame and ("Conv3x3", quality) in per_frame:
            ratio = per_frame[("MnistSizedConv", quality)] / per_frame[("Conv3x3", quality)]
            print(f"\n{quality}: MnistSizedConv per-frame cost / Conv3x3 per-frame cost = {ratio:.2f}")


def measure_against_empty(pairs: list[tuple[str, str]], with_speedup: set[tuple[str, str]], repeat: int = 1) -> dict:
    """Render each (scene, quality) by the documented command, then (for those in ``with_speedup``) with
    ``--jobs 1``, then an empty scene of the same length, ``repeat`` times in turn; print the table (medians of the
    runs, and the range of the runs' own ratios when there are several); return seconds per frame by pair."""
    rows, ratios = [], []
    per_frame = {}
    with tempfile.TemporaryDirectory() as folder:
        for scene, quality in pairs:
            scene_file = SCENE_FILES[scene]
            duration = scene_duration(scene_file, scene)
            empty_file = Path(folder, f"empty_{scene}.py")
            empty_file.write_text(EMPTY_SCENE.format(duration=duration))
            s_times, ones, e_times = [], [], []
            for _ in range(repeat):  # interleaved, so that the machine's slow spells fall on both
                s_time, s_frames = timed_render(scene_file, scene, quality, Path(folder, f"{scene}.mp4"))
                if (scene, quality) in with_speedup:
                    ones.append(timed_render(scene_file, scene, quality, Path(folder, "one.mp4"), *ONE)[0])
                e_time, e_frames = timed_render(str(empty_file), "EmptyScene", quality, Path(folder, "empty.mp4"),
                                                *ONE)
                s_times.append(s_time)
                e_times.append(e_time)
            s_time, e_time = statistics.median(s_times), statistics.median(e_times)
            one = statistics.median(ones) if ones else None
            per_frame[(scene, quality)] = s_time / s_frames
            ratios.append(s_time / e_time)
            goal = f"**{ratios[-1]:.2f}**" if ratios[-1] <= 2.0 else f"{ratios[-1]:.2f} (missed)"
            spread = [s / e for s, e in zip(s_times, e_times)]
            rows.append([scene, quality, f"{duration:.1f}", s_frames, f"{s_time:.1f}",
                         "-" if one is None else f"{one:.1f}", "-" if one is None else f"{one / s_time:.2f}",
                         f"{e_time:.1f}", f"{1e3 * s_time / s_frames:.1f}", f"{1e3 * e_time / e_frames:.1f}", goal]
                        + ([f"{min(spread):.2f}-{max(spread):.2f}"] if repeat > 1 else []))
            print(" | ".join(map(str, rows[-1])), file=sys.stderr, flush=True)  # progress
    print(f"jobs: {default_jobs()} (the default: one per two cores)\n")
    if repeat > 1:
        print(f"each figure the median of {repeat} runs, taken in turn (scene, --jobs 1, empty scene)\n")
    print_table(["scene", "quality", "video s", "frames", "render s", "--jobs 1 s", "speed-up", "empty s",
                 "ms/frame", "empty ms/frame", "ratio (goal ≤ 2.0)"] + (["runs' ratios"] if repeat > 1 else []), rows)
    print(f"\ngoal ≤ 2.0 met by {sum(ratio <= 2.0 for ratio in ratios)} of {len(ratios)}")
    return per_frame


if __name__ == "__main__":
    with recorded("bench_render", modes=("--levers", "--goal", "--floor", "--family", "--parts", "--repeat")):
        main()
