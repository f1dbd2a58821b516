"""The ``convanim`` command: list, render and still the project's scenes without writing Python.

    convanim list                                   # every scene of scenes/*.py here, else of the gallery
    convanim list --options Conv3x3                 # the options a lecturer may set, with their rules
    convanim render scenes/conv3x3.py Conv3x3 --quality 720p --out conv.mp4 --set in_channels=2 --set stride=2
    convanim render conv3x3 Conv3x3                 # a gallery name works from any folder
    convanim still pooling MaxPool2x2 --out pool.png
    convanim slides conv3x3 Conv3x3 --out deck --pdf              # deck/index.html, deck/handout.pdf
    convanim script conv3x3 Conv3x3 --out conv3x3.vtt             # the narration, one cue per step
    convanim model net.onnx --image cat.jpg --out net.mp4         # your own network, stage by stage
    convanim build course.toml --workers 2                        # a course, incremental, on Dask

FILE is a scene file, or the name of one of the gallery's (installed with the package) when no such file
exists.  Default qualities: render 1080p, still 480p, slides 720p.

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
    """The scene files to list when none are given: ``scenes/*.py`` under the current folder, else the gallery."""
    from convanim.manim.rendering.scene_files import gallery_files

    here = sorted(p for p in Path("scenes").glob("*.py") if not p.name.startswith("_"))
    return here or gallery_files()


def list_scenes(files: list[str], options_of: str | None = None) -> int:
    """Print ``FILE SCENE  description`` for every scene of ``files`` (a gallery file as its name, ``conv3x3``); with ``options_of``, that
    scene's options instead (:func:`print_options`)."""
    from convanim.manim.rendering.scene_files import resolve_scene_file

    try:
        paths = [resolve_scene_file(f) for f in files] or default_scene_files()
    except FileNotFoundError as err:
        print(f"convanim list: {err}", file=sys.stderr)
        return 2
    sys.argv = ["manimgl"]  # manimlib reads argv on import
    import convanim.manim._gl  # noqa: F401

    from convanim.manim.rendering.scene_files import (gallery_folder, load_scene_module, scene_classes,
                                                      scene_description)

    scenes = {}
    gallery = gallery_folder().resolve()
    for n, path in enumerate(paths):
        module = load_scene_module(str(path), f"convanim_list_{n}")
        # a gallery file not under the current folder is shown by the name that renders it from anywhere
        shown = path.stem if path.is_absolute() and path.resolve().parent == gallery else path
        for name, cls in scene_classes(module).items():
            scenes.setdefault(name, cls)
            if options_of is None:
                print(f"{shown} {name}  {scene_description(cls)}")
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
    from convanim.manim.rendering.scene_files import exit_code, resolve_scene_file
    from convanim.manim.story.timeline import story_timeline

    out = Path(args.out or f"{args.scene}.vtt")
    try:
        args.scene_file = str(resolve_scene_file(args.scene_file))
    except FileNotFoundError as err:
        print(f"convanim script: {err}", file=sys.stderr)
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


def run_code(args: argparse.Namespace) -> int:
    """Print (or write to --out) the scene's PyTorch code as a runnable script ending with its output in y."""
    import os
    import tempfile

    from convanim.manim.render import failure_message
    from convanim.manim.rendering.scene_code import scene_torch_code
    from convanim.manim.rendering.scene_files import exit_code, resolve_scene_file

    try:
        script = scene_torch_code(str(resolve_scene_file(args.scene_file)), args.scene, args.set).script()
    except Exception as err:  # one line; 2 for what the user asked wrongly
        print(f"convanim code: {failure_message(err, args.scene)}", file=sys.stderr)
        return exit_code(err)
    if not args.out:
        sys.stdout.write(script)
        return 0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=out.parent, suffix=".py", delete=False) as temp:
        temp.write(script)
    os.replace(temp.name, out)  # only a whole script reaches --out
    print(f"wrote {out}")
    return 0


def run_explore(args: argparse.Namespace) -> int:
    """Write OUT/index.html: the scene's layer as a page to explore (see convanim.manim.lecture.explorable)."""
    from convanim.manim.lecture.explorable import write_explorable
    from convanim.manim.render import failure_message
    from convanim.manim.rendering.scene_files import exit_code, resolve_scene_file

    try:
        page = write_explorable(str(resolve_scene_file(args.scene_file)), args.scene, args.set,
                                args.out or f"explore-{args.scene}")
    except Exception as err:  # one line; 2 for what the user asked wrongly
        print(f"convanim explore: {failure_message(err, args.scene)}", file=sys.stderr)
        return exit_code(err)
    print(f"wrote {page}")
    return 0


def run_model(args: argparse.Namespace) -> int:
    """Render the network of an ONNX model on a picture (OnnxModelScene), or its last frame with --still."""
    prog = "convanim model"
    model = Path(args.model)
    if not model.is_file():
        print(f"{prog}: model file not found: {model}", file=sys.stderr)
        return 2
    if args.image is not None and not Path(args.image).is_file():
        print(f"{prog}: --image {args.image!r}: picture file not found", file=sys.stderr)
        return 2
    try:
        low, high = (float(v) for v in args.scale.split(".."))
        if not high > low:
            raise ValueError
    except ValueError:
        print(f"{prog}: --scale {args.scale!r}: expected LOW..HIGH with LOW below HIGH, such as 0..1 or -1..1",
              file=sys.stderr)
        return 2
    settings = [f"model={model.resolve()}", f"value_range={low},{high}"]
    if args.image is not None:
        settings.append(f"image={Path(args.image).resolve()}")
    for name, text in (("input_mean", args.mean), ("input_std", args.std)):
        if text is not None:
            settings.append(f"{name}=[{text}]")
    scene_file = str(Path(__file__).parent / "lecture" / "model_scene_file.py")
    out = args.out or f"{model.stem}.{'png' if args.still else 'mp4'}"
    return render_and_report(prog, args.verbose, scene_file, "YourModel", out=out, quality=args.quality,
                             still=args.still, settings=settings + args.set, speed=args.speed)


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
    """Render the scene as a deck into OUT/slides, then OUT/index.html (self-contained) and OUT/handout.pdf; with
    --explore, its explorable page as the last slide (OUT/explore/index.html)."""
    import shutil

    out = Path(args.out)
    page = explore_page_first(args) if args.explore else None
    if isinstance(page, int):
        return page
    try:
        return write_deck(args, out, page)
    finally:
        if page is not None:
            shutil.rmtree(page, ignore_errors=True)


def explore_page_first(args: argparse.Namespace) -> Path | int:
    """``convanim slides --explore``: the scene's explorable page written to a temporary folder by ``convanim
    explore`` in a process of its own (this one renders the deck), before anything renders; its folder, or the
    exit code after its one-line refusal."""
    import shutil
    import subprocess
    import tempfile

    page = Path(tempfile.mkdtemp(prefix="convanim-explore-"))
    done = subprocess.run([sys.executable, "-m", "convanim.manim.cli", "explore", args.scene_file, args.scene,
                           "--out", str(page), *(f"--set={s}" for s in args.set)], capture_output=True, text=True)
    if done.returncode == 0:
        return page
    shutil.rmtree(page, ignore_errors=True)
    lines = done.stderr.strip().splitlines()
    reason = lines[-1].removeprefix("convanim explore: ") if lines else f"exit code {done.returncode}"
    print(f"convanim slides: --explore: {reason}", file=sys.stderr)
    return done.returncode


def write_deck(args: argparse.Namespace, out: Path, page: Path | None) -> int:
    """The deck of :func:`run_slides`, with ``page`` (an explorable page's folder) as its last slide."""
    import shutil
    import tempfile

    from convanim.manim.lecture.revealjs import RevealJsUnavailable, make_self_contained

    folder = out / "slides"
    # the deck is the slides' videos; the movie manimgl writes beside them (its last piece) is not kept
    with tempfile.TemporaryDirectory(prefix="convanim-slides-") as scratch:
        code = render_and_report("convanim slides", args.verbose, args.scene_file, args.scene,
                                 out=str(Path(scratch, f"{args.scene}.mp4")), quality=args.quality,
                                 settings=args.set, deck_folder=str(folder), speed=args.speed, quiet=True)
    if code:
        return code
    html = out / "index.html"
    error = manim_slides_convert(folder, args.scene, html, "--one-file", f"-ctitle={args.scene}",
                                 "-cslide_number=true", "-cprogress=true")
    if error:
        print(f"convanim slides: manim-slides convert failed: {error}", file=sys.stderr)
        return 1
    if page is not None:  # the explorable page after the video slides, in an iframe
        from convanim.manim.lecture.revealjs import add_page_slide

        (out / "explore").mkdir(exist_ok=True)
        shutil.move(str(page / "index.html"), out / "explore" / "index.html")
        add_page_slide(html, "explore/index.html", args.scene)
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


FILE_HELP = "a scene file, or a gallery name (conv3x3, pooling, ...: convanim list shows them)"


def scene_command(commands, name: str, quality: str, out_help: str, out_metavar: str, out_required: bool = False,
                  **description) -> argparse.ArgumentParser:
    """A command that renders a scene: FILE SCENE --quality --out --set --verbose (each command's defaults)."""
    sub = commands.add_parser(name, **description)
    sub.add_argument("scene_file", metavar="FILE", help=FILE_HELP)
    sub.add_argument("scene", metavar="SCENE")
    sub.add_argument("--quality", choices=list(QUALITY_FLAGS), default=quality, help=f"default: {quality}")
    sub.add_argument("--out", required=out_required, metavar=out_metavar, help=out_help)
    sub.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="set an option of the scene, e.g. --set stride=2 (repeatable; convanim list --options "
                          "SCENE lists them)")
    sub.add_argument("--speed", action="append", default=[], metavar="NAME=VALUE",
                     help="turn a speed switch off to compare with manimgl's own drawing, e.g. --speed "
                          "fill_canvas=manimgl (repeatable)")
    sub.add_argument("--verbose", action="store_true", help="print the whole traceback when the render fails")
    return sub


def file_scene_command(commands, name: str, out_metavar: str, out_help: str, set_example: str,
                       **description) -> argparse.ArgumentParser:
    """A command that reads a scene without rendering it: FILE SCENE --out --set."""
    sub = commands.add_parser(name, **description)
    sub.add_argument("scene_file", metavar="FILE", help=FILE_HELP)
    sub.add_argument("scene", metavar="SCENE")
    sub.add_argument("--out", metavar=out_metavar, help=out_help)
    sub.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help=f"set an option of the scene, e.g. --set {set_example} (repeatable)")
    return sub


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="convanim", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = commands.add_parser("list", help="every scene of the scene files, with its one-line description",
                                  description="Every scene of the given scene files (default: scenes/*.py in the current folder, "
                                              "else the gallery installed with convanim).")
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
    slides.add_argument("--explore", action="store_true",
                        help="add the scene's explorable page (convanim explore) as the last slide, written to "
                             "OUT/explore/index.html")
    slides.add_argument("--pdf", action="store_true",
                        help="also write OUT/handout.pdf: each slide's last frame, its speaker notes printed under it")
    model = commands.add_parser("model", help="render your own network (an ONNX model) on a picture, stage by stage",
                                description="Render an ONNX model's network on a picture, stage by stage (the "
                                            "pipeline scene): numbers where they fit, shades where they do not, "
                                            "ending on the class scores when the model ends in Linear/Softmax.")
    model.add_argument("model", metavar="MODEL.onnx")
    model.add_argument("--image", metavar="PICTURE", default=None,
                       help="the picture, resized to the model's input and made grey or RGB by its channel count "
                            "(default: a drawn digit for one channel, the cat for three)")
    model.add_argument("--out", metavar="PATH", help="file to write (default: MODEL.mp4, or MODEL.png with --still)")
    model.add_argument("--still", action="store_true", help="write the last frame as a PNG instead of a video")
    model.add_argument("--quality", choices=list(QUALITY_FLAGS), default="1080p", help="default: 1080p")
    model.add_argument("--scale", default="0..1", metavar="LOW..HIGH",
                       help="the range the picture's 0..255 levels are mapped onto, as in training (default: 0..1)")
    model.add_argument("--mean", default=None, metavar="M[,M,M]",
                       help="subtracted per channel after --scale, as in training, e.g. 0.485,0.456,0.406")
    model.add_argument("--std", default=None, metavar="S[,S,S]",
                       help="each channel divided by it after --mean, e.g. 0.229,0.224,0.225")
    model.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                       help="set an option of the scene (the pipeline scene's), e.g. --set numbered_cells=64 "
                            "(repeatable)")
    model.add_argument("--speed", action="append", default=[], metavar="NAME=VALUE", help=argparse.SUPPRESS)
    model.add_argument("--verbose", action="store_true", help="print the whole traceback when the render fails")
    file_scene_command(commands, "script", "PATH.vtt", "file to write (default: SCENE.vtt)", "language=th",
                       help="write the narration as WebVTT, one cue per story step",
                       description="Write the scene's narration (generated from its trace, in its language) "
                                   "as WebVTT: one cue per spoken step, the cue id the step's id, the times "
                                   "those of the silent video.  Edit the texts and render with "
                                   "--set narration_script=PATH.vtt; record <id>.wav files for "
                                   "--set narration=FOLDER.")
    file_scene_command(commands, "code", "PATH.py", "file to write (default: print the script)", "stride=2",
                       help="print the PyTorch code of a scene's layer as a runnable script",
                       description="Print the PyTorch lines that build the scene's layer with the weights "
                                   "it shows and compute the output it shows (the lines of its closing "
                                   "card), after the scene's arrays written out as tensors: a runnable "
                                   "script that ends with the output in y.")
    file_scene_command(commands, "explore", "DIR", "folder to write index.html into (default: explore-SCENE)",
                       "stride=2", help="write a page to explore a scene's layer in a browser: point at a cell to "
                                        "see its arithmetic",
                       description="Write DIR/index.html, one self-contained page (no network) of the "
                                   "scene's layer from its trace: the input, filters and outputs with "
                                   "their numbers; pointing at an output cell lights its window and "
                                   "writes its sum as the video's captions do; pointing at a weight "
                                   "lights every input cell it multiplies; the arrow keys step through "
                                   "the video's order.  For the conv layer and pooling scenes.")
    course = commands.add_parser("build", help="render every scene × language × quality of a course file "
                                               "that is not up to date, on Dask",
                                 description="Render every video of the course file (TOML: output, languages, "
                                             "qualities, [[scenes]] with file, scene, set) into "
                                             "OUT/<language>/<quality>/<Scene>.mp4 with a still, and write "
                                             "OUT/index.html.  A video whose scene file, convanim modules, "
                                             "options and tool versions are unchanged is not rendered again.  "
                                             "Jobs run on a local Dask cluster, or on the one at --scheduler.")
    course.add_argument("course_file", metavar="COURSE.toml")
    course.add_argument("--scheduler", metavar="ADDRESS",
                        help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (its workers need the same "
                             "environment and the course's folders at the same paths)")
    course.add_argument("--workers", type=int, default=None, metavar="N",
                        help="workers of the local cluster (default: one per two cores)")
    course.add_argument("--dry-run", action="store_true", help="list the videos that would render; render nothing")
    return parser


def run_build(args: argparse.Namespace) -> int:
    """``convanim build``: one line and exit 2 for a wrong course file, scene or option; 1 when a job failed."""
    from convanim.manim.course.build import build
    from convanim.manim.rendering.scene_files import exit_code
    from convanim.manim.rendering.stopping import RenderStopped

    try:
        return build(args.course_file, args.scheduler, args.workers, args.dry_run)
    except RenderStopped as stopped:
        print(f"convanim build: {stopped}", file=sys.stderr)
        return stopped.exit_code
    except Exception as err:  # one line; 2 for what the user asked wrongly
        print(f"convanim build: {err}", file=sys.stderr)
        return 1 if isinstance(err, (ImportError, ConnectionError)) else exit_code(err)


#: Options whose values may start with a minus sign (``--scale -1..1``, ``--mean -0.5``): argparse would read
#: such a value as an option of its own.
SIGNED_VALUES = ("--scale", "--mean", "--std")


def joined_signed_values(argv: list[str]) -> list[str]:
    """``--scale -1..1`` as ``--scale=-1..1``, which argparse reads as the option's value."""
    out, k = [], 0
    while k < len(argv):
        if argv[k] in SIGNED_VALUES and k + 1 < len(argv) and argv[k + 1].startswith("-"):
            out.append(f"{argv[k]}={argv[k + 1]}")
            k += 2
        else:
            out.append(argv[k])
            k += 1
    return out


def main(argv: list[str] | None = None) -> int:
    argv = joined_signed_values(list(sys.argv[1:] if argv is None else argv))
    try:
        return run_command(build_parser().parse_args(argv))
    except BrokenPipeError:  # `convanim list | head`: the reader has gone, nothing more to say
        sys.stderr.close()
        return 0


def run_command(args: argparse.Namespace) -> int:
    if args.command == "list":
        return list_scenes(args.files, args.options)
    if args.command == "slides":
        return run_slides(args)
    if args.command == "script":
        return run_script(args)
    if args.command == "model":
        return run_model(args)
    if args.command == "code":
        return run_code(args)
    if args.command == "build":
        return run_build(args)
    if args.command == "explore":
        return run_explore(args)
    return run_render(args, still=args.command == "still")


if __name__ == "__main__":
    sys.exit(main())
