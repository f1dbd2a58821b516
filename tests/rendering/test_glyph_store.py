"""Converted glyphs kept on disk: a later process reads them instead of converting, and gets the same data."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import manim_support  # noqa: F401,I001  (imports manimlib first)
from manimlib.mobject.svg import svg_mobject
from manimlib.mobject.svg.svg_mobject import SVGMobject

from convanim.config import cache_root
from convanim.manim.mobjects.cells import caption_text
from convanim.manim.speed import glyph_store, glyph_text

ROOT = Path(__file__).resolve().parents[2]
CAPTION = "Σ window × kernel = 12 + 3"


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache folder, and empty in-process tables of glyphs and of manimgl's whole SVGs (put back
    afterwards)."""
    monkeypatch.setenv("CONVANIM_CACHE", str(tmp_path))
    as_a_new_process(monkeypatch)
    return tmp_path


def as_a_new_process(monkeypatch) -> None:
    monkeypatch.setattr(glyph_text, "_GLYPHS", {})
    monkeypatch.setattr(svg_mobject, "SVG_HASH_TO_MOB_MAP", {})


def counted_conversions(monkeypatch) -> list[int]:
    count = [0]
    convert = SVGMobject.mobjects_from_svg_string

    def counting(self, svg_string):
        count[0] += 1
        return convert(self, svg_string)

    monkeypatch.setattr(SVGMobject, "mobjects_from_svg_string", counting)
    return count


def caption_data(caption) -> list[np.ndarray]:
    return [m.data.copy() for m in caption.family_members_with_points()]


def test_a_glyph_converted_once_is_read_back_with_the_same_data(fresh_cache, monkeypatch):
    count = counted_conversions(monkeypatch)
    first = caption_data(caption_text(CAPTION, 26))
    converted = count[0]
    stored = list(glyph_store.glyph_folder().glob("*.pickle"))
    assert converted > 10 and len(stored) == converted  # each distinct glyph once, each in a file of its own
    assert glyph_store.glyph_folder().parent == fresh_cache
    as_a_new_process(monkeypatch)
    again = caption_data(caption_text(CAPTION, 26))
    assert count[0] == converted  # nothing converted: every glyph read from disk
    assert len(first) == len(again) > 10 and all(np.array_equal(a, b) for a, b in zip(first, again))


#: A process that builds CAPTION, saves its points and prints how many SVGs it converted.
CAPTION_PROCESS = f"""
import sys
import numpy as np
out, sys.argv = sys.argv[1], ["manimgl"]  # manimlib reads the command line when imported
from convanim.manim import _gl
from manimlib.mobject.svg.svg_mobject import SVGMobject
calls = []
convert = SVGMobject.mobjects_from_svg_string
SVGMobject.mobjects_from_svg_string = lambda self, svg: calls.append(1) or convert(self, svg)
from convanim.manim.mobjects.cells import caption_text
caption = caption_text({CAPTION!r}, 26)
np.save(out, np.concatenate([m.get_points() for m in caption.family_members_with_points()]))
print(len(calls))
"""


def caption_process(cache: Path, out: Path) -> tuple[int, np.ndarray]:
    """Build CAPTION in a process of its own with ``cache`` as the cache folder: (SVGs converted, points)."""
    result = subprocess.run([sys.executable, "-c", CAPTION_PROCESS, str(out)], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "CONVANIM_CACHE": str(cache)})
    assert result.returncode == 0, result.stderr[-2000:]
    return int(result.stdout.split()[-1]), np.load(out)


def test_a_later_process_reads_the_glyphs_and_draws_the_same_points(tmp_path):
    converted, first = caption_process(tmp_path / "cache", tmp_path / "first.npy")
    again, second = caption_process(tmp_path / "cache", tmp_path / "second.npy")
    assert converted > 10 and again == 0  # the later process converted nothing
    assert first.shape == second.shape and np.array_equal(first, second)


def test_an_unreadable_file_is_converted_and_written_again(fresh_cache, monkeypatch):
    caption_text(CAPTION, 26)
    files = sorted(glyph_store.glyph_folder().glob("*.pickle"))
    files[0].write_bytes(b"not a pickle")
    as_a_new_process(monkeypatch)
    count = counted_conversions(monkeypatch)
    caption_text(CAPTION, 26)
    assert count[0] == 1  # that glyph alone
    assert glyph_store.stored_glyph is not None and files[0].read_bytes() != b"not a pickle"


def test_the_switch_off_converts_in_every_process_and_writes_nothing(fresh_cache, monkeypatch):
    monkeypatch.setenv("CONVANIM_SPEED", "glyph_disk_cache=off")
    count = counted_conversions(monkeypatch)
    caption_text(CAPTION, 26)
    assert count[0] > 10 and not list(fresh_cache.rglob("*.pickle"))


def test_a_changed_converter_reads_none_of_the_old_glyphs(fresh_cache, monkeypatch):
    caption_text(CAPTION, 26)
    old = glyph_store.glyph_folder()
    monkeypatch.setattr(glyph_store, "converter_id", lambda: "another")
    as_a_new_process(monkeypatch)
    count = counted_conversions(monkeypatch)
    caption_text(CAPTION, 26)
    assert count[0] > 10 and glyph_store.glyph_folder() != old


def test_the_cache_root_is_convanim_cache_then_xdg_then_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVANIM_CACHE", str(tmp_path / "a"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "b"))
    assert cache_root() == tmp_path / "a"
    monkeypatch.delenv("CONVANIM_CACHE")
    assert cache_root() == tmp_path / "b" / "convanim"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "c"))
    assert cache_root() == tmp_path / "c" / ".cache" / "convanim"
