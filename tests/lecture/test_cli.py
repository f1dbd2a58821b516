"""The `convanim` command: list, render, still, --set; every error path exits 2 and writes nothing."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from manim_support import load_scene as load, run
from convanim.manim.options.options import OptionError, parse_option, parse_options, scene_options
from convanim.manim.render import variant_source
from render_support import probe

ROOT = Path(__file__).resolve().parents[2]
SHORT = ROOT / "tests" / "scenes" / "short_scenes.py"
COMMAND = shutil.which("convanim", path=str(Path(sys.executable).parent))


def convanim(*args):
    return subprocess.run([COMMAND, *map(str, args)], cwd=ROOT, capture_output=True, text=True)


ShortConv = load(SHORT, "ShortConv")


# -- --set, parsed to each attribute's type -------------------------------------------------------
def test_set_parses_each_value_to_its_attributes_type():
    assert parse_options(ShortConv, ["in_channels=2", "stride=2", "padding=1", "seed=7"]) == {
        "in_channels": 2, "stride": 2, "padding": 1, "seed": 7}
    assert parse_option(ShortConv, "input_size", "5,5") == (5, 5)
    assert parse_option(ShortConv, "input_size", "[6, 7]") == (6, 7)
    assert parse_option(ShortConv, "kernel_size", "(2, 3)") == (2, 3)
    assert parse_option(ShortConv, "padding", "same") == "same"
    assert parse_option(ShortConv, "stride", "1,2") == (1, 2)
    assert parse_option(ShortConv, "use_bias", "false") is False
    assert parse_option(ShortConv, "stage_time", "2") == 2.0 and isinstance(parse_option(ShortConv, "stage_time",
                                                                                         "2"), float)
    assert parse_option(ShortConv, "order", "channel") == "channel"
    np.testing.assert_array_equal(parse_option(ShortConv, "bias_values", "[1, -2]"), [1, -2])


@pytest.mark.parametrize("assignment, message", [
    ("strid=2", r"ShortConv has no option 'strid'; its options: .*\bstride\b"),
    ("in_channels=two", r"ShortConv\.in_channels = 'two': expected a whole number from 1 to 16"),
    ("in_channels=2.5", r"in_channels = 2\.5: expected a whole number"),
    ("in_channels=0", r"in_channels = 0: expected a whole number from 1 to 16"),
    ("input_size=5", r"input_size = 5: expected a pair such as 2,2 of whole numbers from 1 to 64"),
    ("padding=wide", r"padding = 'wide': expected a whole number or a pair such as 2,2 of whole numbers from 0 to 8 "
                    r"or 'same'/'valid'"),
    ("use_bias=maybe", r"use_bias = 'maybe': expected true or false"),
    ("bias_values=abc", r"expected a nested list of numbers"),
    ("palette=dark", r"palette \(a Palette, .*\) cannot be set from the command line; set it in a subclass"),
    ("stage_time=-1", r"ShortConv\.stage_time = -1: expected a number from 0\.05 to 30"),
    ("order=row", r"ShortConv\.order = 'row': expected one of 'channel', 'cell'"),
    ("stride", r"--set takes NAME=VALUE"),
])
def test_a_bad_set_names_the_option_and_what_it_takes(assignment, message):
    with pytest.raises(OptionError, match=message):
        parse_options(ShortConv, [assignment])


def test_options_are_the_scenes_own_not_manimgls_internals():
    options = scene_options(ShortConv)
    assert {"in_channels", "stride", "padding", "seed", "detailed_steps", "palette"} <= set(options)
    assert not {"camera_config", "skip_animations", "random_seed", "window"} & set(options)


def test_the_variant_a_render_draws_has_the_set_values(tmp_path):
    options = parse_options(ShortConv, ["in_channels=3", "input_size=5,5", "stride=2", "bias_values=[4]"])
    path = tmp_path / "variant.py"
    path.write_text(variant_source(str(SHORT), "ShortConv", options))
    scene = run(load(path, "ShortConv"))
    assert scene.trace.input.shape == (3, 5, 5)
    assert scene.trace.geometry.stride == (2, 2) and scene.trace.geometry.out == (2, 2)
    assert scene.trace.bias.tolist() == [4]


# -- the command ----------------------------------------------------------------------------------
def test_list_prints_every_scene_with_its_description():
    result = convanim("list", "scenes/pooling.py", "scenes/backward.py")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    names = [line.split()[1] for line in lines]
    for path in ("scenes/pooling.py", "scenes/backward.py"):
        listed = load(ROOT / path, "SCENES_IN_ORDER")
        assert [n for line, n in zip(lines, names) if line.startswith(path)] == [c.__name__ for c in listed]
    assert "scenes/backward.py Col2Im  Im2Col's layer" in result.stdout


def docstring_paragraphs() -> dict[tuple[str, str], str]:
    """Each gallery scene's description read from the scene files' source with ast (not through convanim): the
    first paragraph of its docstring, or of the class it derives from in the same file."""
    import ast
    import inspect

    out = {}
    for path in sorted((ROOT / "scenes").glob("[!_]*.py")):
        classes = {node.name: node for node in ast.parse(path.read_text()).body if isinstance(node, ast.ClassDef)}
        for name, node in classes.items():
            doc, here = ast.get_docstring(node), node
            while doc is None and here.bases and getattr(here.bases[0], "id", None) in classes:
                here = classes[here.bases[0].id]
                doc = ast.get_docstring(here)
            if doc is not None:
                out[(path.stem, name)] = " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())
    return out


def test_list_in_an_empty_folder_lists_the_whole_gallery_with_whole_descriptions(tmp_path):
    """Issue 35: `convanim list` anywhere lists the installed gallery, each scene by the name that renders it,
    with its docstring's first paragraph whole (four were cut mid-sentence at the end of a line)."""
    result = subprocess.run([COMMAND, "list"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    listed = {}
    for line in result.stdout.splitlines():
        file, scene, description = re.match(r"(\S+) (\S+)  (.*)$", line).groups()
        assert (ROOT / "scenes" / f"{file}.py").is_file(), line
        listed[(file, scene)] = description
    expected = docstring_paragraphs()  # every scene class of the gallery has a docstring, or its base in the file
    assert set(listed) <= set(expected) and len(listed) >= 60
    for scene, description in listed.items():
        assert description == expected[scene]
        assert description.endswith((".", ")", "!")), (scene, description)  # a whole sentence, not a cut line
    assert ("conv3x3", "MnistSizedConv") in listed and ("conv3x3", "Conv3x3") in listed


def test_a_gallery_name_renders_from_any_folder_and_a_wrong_one_lists_the_gallery(tmp_path):
    result = subprocess.run([COMMAND, "list", "conv3x3"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert [line.split()[:2] for line in result.stdout.splitlines()] == [["conv3x3", "Conv3x3"],
                                                                         ["conv3x3", "MnistSizedConv"]]
    for command in (["render", "conv4x4", "Conv3x3"], ["still", "scenes/conv4x4.py", "Conv3x3"],
                    ["script", "conv4x4", "Conv3x3"], ["list", "conv4x4"]):
        result = subprocess.run([COMMAND, *command], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 2, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "scene file not found" in lines[0], result.stderr
        assert all(stem in lines[0] for stem in ("conv3x3", "pooling", "volumes", "backward")), lines[0]
        assert list(tmp_path.iterdir()) == []


def test_still_and_render_write_only_finished_files(tmp_path):
    png = tmp_path / "short.png"
    result = convanim("still", SHORT, "ShortConv", "--out", png, "--set", "in_channels=1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    video = tmp_path / "short.mp4"
    result = convanim("render", SHORT, "ShortConv", "--quality", "480p", "--out", video, "--set", "detailed_steps=0")
    assert result.returncode == 0, result.stderr[-2000:]
    info = probe(video)
    assert (info["width"], info["height"]) == (854, 480) and int(info["nb_read_frames"]) > 0
    assert "%" in result.stderr or "it/s" in result.stderr  # manimgl's progress bar


@pytest.mark.parametrize("args, message", [
    (["render", "scenes/nope.py", "Conv3x3"], r"scene file not found: scenes/nope.py"),
    (["render", "scenes/conv3x3.py", "Conv4x4"], r"has no scene 'Conv4x4'; its scenes: Conv3x3, MnistSizedConv"),
    (["render", "scenes/conv3x3.py", "Conv3x3", "--set", "strid=2"], r"Conv3x3 has no option 'strid'"),
    (["still", "scenes/conv3x3.py", "Conv3x3", "--set", "stride=x"], r"Conv3x3\.stride = 'x': expected a whole number"),
    (["still", str(SHORT), "KernelTooLarge"], r"KernelTooLarge: kernel_size \(5, 5\)"),
    # issue 32: a range for decimals (it gave Python's "Format specifier missing precision" on a float scene),
    # in a conv scene and a scene of another family, and a ragged array named by its option
    (["still", str(SHORT), "ShortConv", "--set", "decimals=-1"],
     r"ShortConv\.decimals = -1: expected a whole number from 0 to 6"),
    (["still", "scenes/pooling.py", "AvgPoolIncludePad", "--set", "decimals=-1"],
     r"AvgPoolIncludePad\.decimals = -1: expected a whole number from 0 to 6"),
    (["still", str(SHORT), "ShortConv", "--set", "input_values=[[[1,2],[3]]]"],
     r"ShortConv\.input_values = .*: expected a nested list of numbers whose rows have one length"),
])
def test_every_error_exits_2_with_one_line_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / ("out.png" if args[0] == "still" else "out.mp4")
    result = convanim(*args, "--out", out)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("ManimGL")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"convanim {args[0]}: ")
    assert re.search(message, lines[0]), lines[0]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [[], ["list"], ["render"], ["still"]])
def test_help_on_each_command(command):
    result = convanim(*command, "--help")
    assert result.returncode == 0 and "usage: convanim" in result.stdout


@pytest.mark.parametrize("command, quality", [("render", "1080p"), ("still", "480p"), ("slides", "720p")])
def test_help_says_each_commands_default_quality(command, quality):
    result = convanim(command, "--help")
    assert f"default: {quality}" in " ".join(result.stdout.split())


def test_a_missing_command_or_argument_is_a_usage_error():
    assert convanim().returncode == 2
    assert convanim("render", "scenes/conv3x3.py").returncode == 2


def test_notebook_keywords_become_set_texts_and_a_refusal_raises_before_rendering(tmp_path):
    from convanim.manim.lecture.notebook import option_text, show_still
    assert option_text((5, 5)) == "5,5" and option_text(True) == "true" and option_text("same") == "same"
    assert option_text(np.array([[1, 2], [3, 4]])) == "[[1, 2], [3, 4]]"
    assert parse_options(ShortConv, [f"input_size={option_text((6, 7))}",
                                     f"bias_values={option_text(np.array([3]))}"])["input_size"] == (6, 7)
    with pytest.raises(ValueError, match=r"ShortConv has no option 'strid'"):
        show_still(SHORT, "ShortConv", out=tmp_path / "x.png", strid=2)
    with pytest.raises(ValueError, match=r"needs the scene's name"):
        show_still(str(SHORT))
    assert list(tmp_path.iterdir()) == []


def test_a_ragged_array_in_a_subclass_names_its_option():
    from manim_support import run

    class Ragged(ShortConv):
        input_values = [[[1, 2], [3]], [[1, 2], [3, 4]]]

    with pytest.raises(ValueError, match=r"^Ragged\.input_values = .*: expected a nested list of numbers whose rows "
                                         r"have one length"):
        run(Ragged)
