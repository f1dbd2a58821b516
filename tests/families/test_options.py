"""Declared options (issues 32 and 33): one list per scene that --set, the checks before the first frame, the
error messages and `convanim list --options` all read; render internals and speed switches are not options."""
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manim_support import run
from convanim.manim.rendering.scene_files import load_scene_module, scene_classes
from convanim.manim.options.options import Option, OptionError, check_options, declared_options, parse_options
from convanim.manim.speed.settings import SpeedSettings, speed_environment

ROOT = Path(__file__).resolve().parents[2]
SHORT = ROOT / "tests" / "scenes" / "short_scenes.py"
COMMAND = shutil.which("convanim", path=str(Path(sys.executable).parent))
#: What a BatchedScene keeps between frames and the speed switches: settable by --set on the old main (issue 32
#: counted fourteen); none of them may be an option.
INTERNALS = ("after_cut", "arranged", "arrangements", "sprites", "sprite_textures", "still_count", "fill_canvas",
             "shader_ids", "draw_still_parts_once", "draw_fades_once", "skip_empty_strokes", "wide_movie_pipe",
             "drop_identity_filter", "background_movie_pipe", "approximate_note", "output_name")


def load(path, name=None):
    spec = importlib.util.spec_from_file_location(f"options_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module if name is None else getattr(module, name)


def gallery_scenes():
    scenes = []
    for n, path in enumerate(sorted((ROOT / "scenes").glob("[!_]*.py"))):
        scenes += list(scene_classes(load_scene_module(str(path), f"options_gallery_{n}")).values())
    return scenes


GALLERY = gallery_scenes()


def convanim(*args):
    return subprocess.run([COMMAND, *map(str, args)], cwd=ROOT, capture_output=True, text=True)


def data_attributes(scene_class):
    """The names a class attribute of convanim's gives the scene as data: the first definition in the MRO
    is neither a method nor a property (manimgl's Scene and capitalised constants left out)."""
    seen, data = set(), set()
    for cls in scene_class.__mro__:
        if cls.__module__.startswith("manimlib") or cls is object:
            continue
        for name, value in vars(cls).items():
            if name.startswith("_") or name.isupper() or name in seen:
                continue
            seen.add(name)
            if not (callable(value) or isinstance(value, (property, staticmethod, classmethod))) or isinstance(
                    value, Option):
                data.add(name)
    return data


@pytest.mark.parametrize("scene_class", GALLERY, ids=lambda c: c.__name__)
def test_every_class_attribute_a_scene_holds_is_a_declared_option_with_a_valid_default(scene_class):
    declared = declared_options(scene_class)
    assert data_attributes(scene_class) <= set(declared), data_attributes(scene_class) - set(declared)
    assert not set(INTERNALS) & set(declared)
    for name, option in declared.items():
        assert option.help and option.kind.rule, name
    check_options(scene_class)  # every default (or a gallery subclass's value) is within its rule


def test_an_option_a_subclass_sets_wrongly_stops_the_scene_naming_it():
    ShortConv = load(SHORT, "ShortConv")

    class SlowerThanNothing(ShortConv):
        stage_time = -1

    class TooManyChannels(ShortConv):
        in_channels = 40

    class WrongOrder(ShortConv):
        order = "row"

    with pytest.raises(OptionError, match=r"^SlowerThanNothing\.stage_time = -1: expected a number from 0\.05 to 30$"):
        run(SlowerThanNothing)
    with pytest.raises(OptionError, match=r"^TooManyChannels\.in_channels = 40: expected a whole number from 1 to 16$"):
        run(TooManyChannels)
    with pytest.raises(OptionError, match=r"^WrongOrder\.order = 'row': expected one of 'channel', 'cell'$"):
        run(WrongOrder)


def test_a_method_of_an_options_name_withdraws_the_option():
    # TrainedDigitPipeline's digit comes from the trained network (a method), not from PipelineScene's option.
    trained = next(c for c in GALLERY if c.__name__ == "TrainedDigitPipeline")
    pipeline = next(c for c in GALLERY if c.__name__ == "Pipeline")
    assert "digit" in declared_options(pipeline) and "digit" not in declared_options(trained)
    with pytest.raises(OptionError, match=r"TrainedDigitPipeline has no option 'digit'"):
        parse_options(trained, ["digit=3"])


@pytest.mark.parametrize("internal", ["arrangements=3", "after_cut=[]", "fill_canvas=manimgl", "shader_ids=manimgl",
                                      "still_count=2", "draw_fades_once=false"])
def test_set_refuses_a_render_internal_with_exit_2_and_lists_only_declared_options(tmp_path, internal):
    out = tmp_path / "out.png"
    result = convanim("still", SHORT, "ShortConv", "--out", out, "--set", internal)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("ManimGL")]
    assert len(lines) == 1, result.stderr
    name = internal.split("=")[0]
    assert f"ShortConv has no option '{name}'; its options: " in lines[0]
    listed = lines[0].split("its options: ")[1].split(", ")
    assert listed == sorted(declared_options(load(SHORT, "ShortConv")))
    assert not set(INTERNALS) & set(listed)
    assert list(tmp_path.iterdir()) == []


def test_list_options_prints_each_declared_option_with_its_value_description_and_rule():
    result = convanim("list", "--options", "ShortConv", SHORT)
    assert result.returncode == 0, result.stderr
    names = re.findall(r"^(\w+) = ", result.stdout, re.M)
    assert names == sorted(declared_options(load(SHORT, "ShortConv")))
    # ShortConv's own values, LayerOptions' and ConvLayerScene's declarations (worked out by hand)
    assert "in_channels = 2\n    input channels C; a whole number from 1 to 16\n" in result.stdout
    assert "stage_time = 0.4\n    seconds of each stage's animation; a number from 0.05 to 30\n" in result.stdout
    assert "padding_mode = 'zeros'\n" in result.stdout and "'zeros', 'reflect', 'replicate', 'circular'" in result.stdout
    missing = convanim("list", "--options", "Nope", SHORT)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "'Nope'" in missing.stderr


def test_speed_switches_parse_and_refuse_in_one_line():
    assert SpeedSettings.parse([]) == SpeedSettings()
    settings = SpeedSettings.parse(["fill_canvas=manimgl", "wide_movie_pipe=off", "draw_fades_once=no"])
    assert (settings.fill_canvas, settings.wide_movie_pipe, settings.draw_fades_once) == ("manimgl", False, False)
    assert settings.shader_ids == "fast" and settings.draw_still_parts_once is True
    assert SpeedSettings.parse(settings.as_text().split(",")) == settings
    with pytest.raises(ValueError, match=r"--speed fill_canvas='big': expected one of frame, manimgl"):
        SpeedSettings.parse(["fill_canvas=big"])
    with pytest.raises(ValueError, match=r"--speed 'stride=2': expected NAME=VALUE with NAME one of"):
        SpeedSettings.parse(["stride=2"])
    with speed_environment(["shader_ids=manimgl"]):
        assert SpeedSettings.from_environment().shader_ids == "manimgl"
    assert SpeedSettings.from_environment() == SpeedSettings()


def test_a_bad_speed_switch_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out.png"
    result = convanim("still", SHORT, "ShortConv", "--out", out, "--speed", "fill_canvas=big")
    assert result.returncode == 2 and "fill_canvas='big'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_speed_switch_reaches_the_scene():
    ShortConv = load(SHORT, "ShortConv")
    with speed_environment(["draw_still_parts_once=off", "skip_empty_strokes=off"]):
        scene = run(ShortConv)
    assert scene.speed.draw_still_parts_once is False and scene.speed.skip_empty_strokes is False
    assert run(ShortConv).speed == SpeedSettings()


def test_hand_values_keep_nan_for_the_scenes_that_show_it():
    maxpool_nan = next(c for c in GALLERY if c.__name__ == "MaxPoolNaN")
    check_options(maxpool_nan)
    assert np.isnan(np.asarray(maxpool_nan.input_values)).any()
