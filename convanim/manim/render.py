"""Render a scene to a file without a display: ``python -m convanim.manim.render``.

    python -m convanim.manim.render scenes/conv3x3.py Conv3x3 --quality 1080p --out media/videos/Conv3x3.mp4
    python -m convanim.manim.render scenes/conv3x3.py Conv3x3 --still --out media/conv3x3.png

It checks for ffmpeg and the OpenGL libraries first (and says what to
install), renders through EGL when there is no display, and writes into a
temporary folder, moving the result to ``--out`` only when the render
finished: a failed render leaves no half-written file behind.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

from .headless import RenderSetupError, check_render_tools, prepare_environment

QUALITY_FLAGS = {"480p": "-l", "720p": "-m", "1080p": "--hd", "4k": "--uhd"}


def build_argv(scene_file: str, scene: str, quality: str, folder: str, still: bool, gif: bool,
               extra: list[str]) -> list[str]:
    """manimgl's command line for this render."""
    argv = ["manimgl", scene_file, scene, "-w", QUALITY_FLAGS[quality], "--video_dir", folder,
            "--file_name", scene]
    if still:
        argv.append("-s")
    if gif:
        argv.append("-i")
    return argv + extra


def render(scene_file: str, scene: str, out: str, quality: str = "1080p", still: bool = False,
           gif: bool = False, extra: list[str] | None = None) -> Path:
    """Render ``scene`` from ``scene_file`` to ``out``; returns the path written."""
    check_render_tools(need_ffmpeg=not still)
    if not Path(scene_file).is_file():
        raise FileNotFoundError(f"scene file not found: {scene_file}")
    prepare_environment()
    out_path = Path(out)
    with tempfile.TemporaryDirectory(prefix="convanim-render-") as folder:
        sys.argv = build_argv(scene_file, scene, quality, folder, still, gif, extra or [])
        import convanim.manim._gl  # noqa: F401  (after argv is set: manimlib reads it on import)
        from manimlib.__main__ import main

        main()
        suffix = ".png" if still else ".gif" if gif else ".mp4"
        produced = sorted(Path(folder).rglob(f"*{suffix}"), key=lambda p: p.stat().st_mtime)
        if not produced:
            raise RuntimeError(f"manimgl finished but wrote no {suffix} file for {scene} (see its output above)")
        out_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced[-1]), out_path)
    return out_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m convanim.manim.render", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scene_file")
    parser.add_argument("scene")
    parser.add_argument("--quality", choices=sorted(QUALITY_FLAGS), default="1080p")
    parser.add_argument("--out", required=True, help="file to write (.mp4, .png with --still, .gif with --gif)")
    parser.add_argument("--still", action="store_true", help="write the last frame as PNG")
    parser.add_argument("--gif", action="store_true", help="write a GIF instead of an MP4")
    parser.add_argument("--verbose", action="store_true", help="print the whole traceback when the render fails")
    args, extra = parser.parse_known_args(argv)
    try:
        path = render(args.scene_file, args.scene, args.out, args.quality, args.still, args.gif, extra)
    except Exception as err:  # one line for the lecturer; --verbose for the developer
        if args.verbose:
            traceback.print_exc()
        what = "" if isinstance(err, (RenderSetupError, FileNotFoundError)) else f"{args.scene}: "
        print(f"render: {what}{err}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
