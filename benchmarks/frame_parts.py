"""Where a render's time goes: one render in this process with the main steps of a frame timed.

    python benchmarks/frame_parts.py SCENE_FILE SCENE --quality 480p --out video.mp4   (the render's own arguments)

Run by ``bench_render.py --parts``.  Each step below is wrapped with a timer (its own time, the steps it calls
included) and the table gives its total seconds, its calls and its milliseconds per frame drawn.  The render is
``python -m convanim.manim.render``'s, in this process.
"""
from __future__ import annotations

import collections
import sys
import time

import convanim.manim.render as render

#: (owner module, class, method, label): a frame's steps, the sub-steps indented.
STEPS = [
    ("convanim.manim.rendering.batched_scene", "BatchedScene", "capture", "drawing a frame (capture)"),
    ("convanim.manim.rendering.batched_scene", "BatchedScene", "draw_live_group", "  the live groups"),
    ("convanim.manim.rendering.batched_scene", "BatchedScene", "rearrange_for_this_frame", "  their pixel boxes"),
    ("convanim.manim.speed.still_layer", "StillLayer", "draw_into", "  the still layer copied in"),
    ("manimlib.animation.animation", "Animation", "interpolate", "animations interpolated"),
    ("convanim.manim.rendering.batched_scene", "BatchedScene", "begin_animations", "animations begun"),
    ("convanim.manim.rendering.batched_scene", "BatchedScene", "raw_frame", "the frame read back"),
    ("manimlib.scene.scene_file_writer", "SceneFileWriter", "write_frame", "the frame handed to ffmpeg"),
]
#: The line before the table (what the benchmark keeps of this script's output).
MARK = "-- frame parts --"
totals: dict[str, float] = collections.defaultdict(float)
calls: collections.Counter = collections.Counter()


def timed(owner: type, name: str, label: str) -> None:
    method = getattr(owner, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            totals[label] += time.perf_counter() - start
            calls[label] += 1
    setattr(owner, name, wrapper)


def wrap_steps() -> None:
    import importlib

    for module, cls, name, label in STEPS:
        timed(getattr(importlib.import_module(module), cls), name, label)


def main() -> int:
    started = time.perf_counter()
    arguments = sys.argv[1:]
    load = render.scene_classes

    def scene_classes(*args, **kwargs):  # manimlib is imported by now, with the render's command line
        wrap_steps()
        return load(*args, **kwargs)
    render.scene_classes = scene_classes
    code = render.main(arguments + ["--jobs", "1"])
    whole = time.perf_counter() - started
    frames = calls["drawing a frame (capture)"] or 1
    quality = arguments[arguments.index("--quality") + 1] if "--quality" in arguments else "1080p"
    print(f"{MARK}\n{arguments[1]} at {quality}, --jobs 1: {whole:.1f} s in all, {frames} frames drawn\n")
    print("| step | s | calls | ms per frame |\n|---|---|---|---|")
    for _, _, _, label in STEPS:
        print(f"| {label.strip() if not label.startswith('  ') else '… ' + label.strip()} | {totals[label]:.1f} | "
              f"{calls[label]} | {1e3 * totals[label] / frames:.1f} |")
    return code


if __name__ == "__main__":
    sys.exit(main())
