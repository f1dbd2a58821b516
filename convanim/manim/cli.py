"""The ``convanim`` command: list, render and still the project's scenes without writing Python.

    convanim list                                   # every scene of scenes/*.py, one line each
    convanim list --options Conv3x3                 # the options a lecturer may set, with their rules
    convanim render scenes/conv3x3.py Conv3x3 --quality 720p --out conv.mp4 --set in_channels=2 --set stride=2
    convanim still scenes/pooling.py MaxPool2x2 --out pool.png
    convanim slides scenes/conv3x3.py Conv3x3 --out deck --pdf   # deck/index.html, deck/handout.pdf
    convanim script scenes/conv3x3.py Conv3x3 --out conv3x3.vtt  # the narration, one cue per step

``--set NAME=VALUE`` sets one of the scene's declared options (``convanim
list --options SCENE`` lists them with their rules); an unknown name or a
value outside the rule stops with one line that names the option, the value
and the rule, before anything renders.  ``--speed NAME=VALUE`` turns a speed
switch off, for comparisons (see convanim.manim.speed.settings).  Exit codes: 0 done,
1 the render failed (or a tool is missing), 2 a usage error (unknown file,
scene or option, bad value).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from convanim.manim.render import QUALITY_FLAGS, render_and_report


def default_scene_files() -> list[Path]:
    """The project's scene files: ``scenes/*.py`` under the current folder."""
    return sorted(Path("scenes").glob("*.py"))


def list_scenes(files: list[str], options_of: str | None = None) -> int:
    """Print ``FILE SCENE  first line of its docstring`` for every scene of ``files``; with ``options_of``, that
    scene's options instead (:func:`print_options`)."""
    paths = [Path(f) for f in files] or default_scene_files()
    if not paths:
        print("convanim list: no scene files given and no scenes/*.py here", file=sys.stderr)
        return 2
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"convanim list: scene file not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    sys.argv = ["manimgl"]  # manimlib reads argv on import
    import convanim.manim._gl  # noqa: F401

    from convanim.manim.rendering.scene_files import load_scene_module, scene_classes

    scenes = {}
    for n, path in enumerate(paths):
        module = load_scene_module(str(path), f"convanim_list_{n}")
        for name, cls in scene_classes(module).items():
            scenes.setdefault(name, cls)
            if options_of is None:
                doc = next((c.__doc__ for c in cls.__mro__ if c.__doc__), "") or ""
                first = doc.strip().splitlines()[0] if doc.strip() else ""
                print(f"{path} {name}  {first}")
    if options_of is not None:
        if options_of not in scenes:
            print(f"convanim list: --options {options_of!r}: no scene of that name in "
                  f"{paths[0] if len(paths) == 1 else 'the scene files'} (`convanim list` shows them)", file=sys.stderr)
            return 2
        print_options(scenes[options_of])
    return 0


def print_options(scene_class: type) -> None:
    """Each declared option of ``scene_class``: ``NAME = VALUE``, then what it does and what it takes."""
    from convanim.manim.options.options import describe_options

    for name, value, rule, help in describe_options(scene_class):
        print(f"{name} = {value}\n    {help}; {rule}")


def run_render(args: argparse.Namespace, still: bool) -> int:
    out = args.out or f"{args.scene}.{'png' if still else 'mp4'}"
    return render_and_report(f"convanim {args.command}", args.verbose, args.scene_file, args.scene, out=out,
                             quality=args.quality, still=still, settings=args.set, jobs=getattr(args, "jobs", None),
                             speed=args.speed)


def run_script(args: argparse.Namespace) -> int:
    """Write the scene's narration as WebVTT: one cue per spoken step, its id the step's, the silent video's times."""
    import os
    import tempfile

    from convanim.narration.cues import Cue, write_webvtt
    from convanim.manim.options.options import OptionError, parse_assignment
    from convanim.manim.rendering.scene_files import exit_code
    from convanim.manim.story.timeline import story_timeline

    out = Path(args.out or f"{args.scene}.vtt")
    if not Path(args.scene_file).is_file():
        print(f"convanim script: scene file not found: {args.scene_file}", file=sys.stderr)
        return 2
    try:
        language = next((parse_assignment(s)[1] for s in reversed(args.set) if parse_assignment(s)[0] == "language"),
                        None)
        timeline = story_timeline(args.scene_file, args.scene, args.set, [language] if language else ["en"])
    except (OptionError, ValueError, RuntimeError) as err:
        print(f"convanim script: {err}", file=sys.stderr)
        return exit_code(err)
    language = language or "en"
    fps = timeline.fps
    cues = [Cue(t.id, start / fps, end / fps, t.text)
            for t, start, end in zip(timeline.texts[language], timeline.starts, timeline.ends) if t.text]
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=out.parent, suffix=".vtt", delete=False) as temp:
        pass
    write_webvtt(cues, temp.name)
    os.replace(temp.name, out)  # only a whole script reaches --out
    print(f"wrote {out}")
    return 0


def manim_slides_convert(folder: Path, scene: str, dest: Path, *options: str) -> str | None:
    """Run ``manim-slides convert`` on the deck in ``folder``; the error's last lines, or None when done."""
    import shutil
    import subprocess

    manim_slides = shutil.which("manim-slides", path=str(Path(sys.executable).parent)) or "manim-slides"
    result = subprocess.run([manim_slides, "convert", "--folder", str(folder), scene, str(dest), *options],
                            capture_output=True, text=True)
    if result.returncode == 0 and dest.is_file():
        return None
    dest.unlink(missing_ok=True)
    return (result.stderr or result.stdout).strip()[-500:] or f"exit code {result.returncode}"


def run_slides(args: argparse.Namespace) -> int:
    """Render the scene as a deck into OUT/slides, then OUT/index.html (self-contained) and OUT/handout.pdf."""
    from convanim.manim.lecture.revealjs import RevealJsUnavailable, make_self_contained

    out = Path(args.out)
    folder = out / "slides"
    code = render_and_report("convanim slides", args.verbose, args.scene_file, args.scene,
                             out=str(out / f"{args.scene}.mp4"), quality=args.quality, settings=args.set,
                             deck_folder=str(folder), speed=args.speed)
    if code:
        return code
    html = out / "index.html"
    error = manim_slides_convert(folder, args.scene, html, "--one-file", f"-ctitle={args.scene}",
                                 "-cslide_number=true", "-cprogress=true")
    if error:
        print(f"convanim slides: manim-slides convert failed: {error}", file=sys.stderr)
        return 1
    try:
        make_self_contained(html)
    except RevealJsUnavailable as reason:
        print(f"convanim slides: warning: {html} loads reveal.js from its CDN and needs the network to show: "
              f"{reason}", file=sys.stderr)
    print(f"wrote {html}")
    if args.pdf:
        from convanim.manim.lecture.handout import write_handout

        pdf = out / "handout.pdf"
        try:
            write_handout(folder, args.scene, pdf)
        except (OSError, ValueError) as err:  # one line; nothing half-written stays
            pdf.unlink(missing_ok=True)
            print(f"convanim slides: the handout failed: {err}", file=sys.stderr)
            return 1
        print(f"wrote {pdf}")
    return 0


def scene_command(commands, name: str, quality: str, out_help: str, out_metavar: str, out_required: bool = False,
                  **description) -> argparse.ArgumentParser:
    """A command that renders a scene: FILE SCENE --quality --out --set --verbose (each command's defaults)."""
    sub = commands.add_parser(name, **description)
    sub.add_argument("scene_file", metavar="FILE")
    sub.add_argument("scene", metavar="SCENE")
    sub.add_argument("--quality", choices=list(QUALITY_FLAGS), default=quality)
    sub.add_argument("--out", required=out_required, metavar=out_metavar, help=out_help)
    sub.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="set an option of the scene, e.g. --set stride=2 (repeatable; convanim list --options "
                          "SCENE lists them)")
    sub.add_argument("--speed", action="append", default=[], metavar="NAME=VALUE",
                     help="turn a speed switch off to compare with manimgl's own drawing, e.g. --speed "
                          "fill_canvas=manimgl (repeatable)")
    sub.add_argument("--verbose", action="store_true", help="print the whole traceback when the render fails")
    return sub


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="convanim", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = commands.add_parser("list", help="every scene of the scene files, with its one-line description",
                                  description="Every scene of the given scene files (default: scenes/*.py).")
    listing.add_argument("files", nargs="*", metavar="FILE")
    listing.add_argument("--options", metavar="SCENE", default=None,
                         help="list the options SCENE declares (what --set takes): value, description and rule")
    for name, still in (("render", False), ("still", True)):
        what = "the last frame as a PNG" if still else "a video (MP4) without a display"
        sub = scene_command(commands, name, "480p" if still else "1080p",
                            f"file to write (default: SCENE.{'png' if still else 'mp4'})", "PNG" if still else "PATH",
                            help=f"render {what}", description=f"Render {what}.")
        if not still:
            sub.add_argument("--jobs", type=int, default=None, metavar="N",
                             help="render in N parallel segments, joined into the one-process video "
                                  "(default: one per two cores of the machine)")
    slides = scene_command(commands, "slides", "720p", "folder for the deck", "DIR", out_required=True,
                           help="render a slide deck (one slide per step) and its HTML",
                           description="Render the scene as a deck whose slides are the steps of its story "
                                       "(manim-slides), into OUT/slides, and convert it to OUT/index.html, "
                                       "a reveal.js deck that needs no network (reveal.js is inlined).")
    slides.add_argument("--pdf", action="store_true",
                        help="also write OUT/handout.pdf: each slide's last frame, its speaker notes printed under it")
    script = commands.add_parser("script", help="write the narration as WebVTT, one cue per story step",
                                 description="Write the scene's narration (generated from its trace, in its language) "
                                             "as WebVTT: one cue per spoken step, the cue id the step's id, the times "
                                             "those of the silent video.  Edit the texts and render with "
                                             "--set narration_script=PATH.vtt; record <id>.wav files for "
                                             "--set narration=FOLDER.")
    script.add_argument("scene_file", metavar="FILE")
    script.add_argument("scene", metavar="SCENE")
    script.add_argument("--out", metavar="PATH.vtt", help="file to write (default: SCENE.vtt)")
    script.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="set an option of the scene, e.g. --set language=th (repeatable)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "list":
        return list_scenes(args.files, args.options)
    if args.command == "slides":
        return run_slides(args)
    if args.command == "script":
        return run_script(args)
    return run_render(args, still=args.command == "still")


if __name__ == "__main__":
    sys.exit(main())
