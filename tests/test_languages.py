"""Captions in six languages: complete catalogues, no glyph missing from the scene's fonts, every caption
inside the frame, the same numbers as in English."""
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from babel.messages.extract import extract_from_dir
from fontTools.ttLib import TTCollection, TTFont

from manim_support import run  # noqa: F401  (imports manimlib with a neutral argv)
from convanim.languages import LANGUAGES, catalogue, language_of, translate, translate_plural

import convanim.manim.mobjects.cells as cells
from manimlib import FRAME_HEIGHT, FRAME_WIDTH, Text
from convanim.manim.speed.glyph_text import GlyphText

ROOT = Path(__file__).resolve().parents[1]
OTHER_LANGUAGES = [code for code in LANGUAGES if code != "en"]
KEYWORDS = {"tr": None, "trn": (1, 2), "lookup": None, "N_": None}
FIELD = re.compile(r"\{(\w*)\}")


def message_ids():
    """Every message the code shows, as Babel finds it (the keywords of `make messages`)."""
    found = {}
    for filename, _, message, _, _ in extract_from_dir(str(ROOT / "convanim"), keywords=KEYWORDS,
                                                       comment_tags=(), strip_comment_tags=True):
        found[message] = filename
    return found


def test_the_code_has_messages_to_translate():
    ids = message_ids()
    assert "every output of filter {f} starts at its bias b = {b}" in ids
    assert ("{n} filter {shape}", "{n} filters {shape}") in ids


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_message_has_a_translation_with_the_same_fields(code):
    table = catalogue(code)
    problems = []
    for message, filename in message_ids().items():
        key = message[0] if isinstance(message, tuple) else message
        entry = table.get(key)
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if not strings or not all(strings) or (entry is not None and "fuzzy" in entry.flags):
            problems.append(f"{key!r} ({filename}) has no translation in {code}")
            continue
        wanted = set(FIELD.findall(key)) | (set(FIELD.findall(message[1])) if isinstance(message, tuple) else set())
        for string in strings:
            if set(FIELD.findall(string)) != wanted:
                problems.append(f"{key!r} in {code}: fields {sorted(FIELD.findall(string))}, want {sorted(wanted)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_translated_word_is_in_the_languages_fonts(code):
    """Every character of every translation (the fields put in are digits and formula signs, in English too)
    is in one of the fonts the language draws with: no tofu in any scene, run or not."""
    fonts = cmaps(code)
    missing = {}
    for entry in catalogue(code):
        for string in (entry.string if isinstance(entry.string, tuple) else (entry.string,)):
            for ch in FIELD.sub("", string or ""):
                if not ch.isspace() and not any(ord(ch) in cmap for cmap in fonts):
                    missing.setdefault(ch, string)
    assert not missing, f"{code}: characters in none of {language_of(code).fonts}: {missing}"


def test_translate_puts_the_fields_in_and_english_is_the_id():
    assert translate("en", "Σ channel {channel}", channel=2) == "Σ channel 2"
    assert translate("de", "Σ channel {channel}", channel=2) == "Σ Kanal 2"
    with pytest.raises(ValueError, match="th, ja, zh-Hans, zh-Hant, de"):
        language_of("fr")


# -- what the scenes draw --------------------------------------------------------------------------------

def font_file(family: str) -> TTFont:
    """The font file fontconfig has for exactly ``family`` (not a substitute)."""
    out = subprocess.run(["fc-list", f"{family}:style=Regular", "file", "index"], capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()
    if not out:
        out = subprocess.run(["fc-list", family, "file", "index"], capture_output=True, text=True,
                             check=True).stdout.strip().splitlines()
    assert out, f"font {family!r} is not installed"
    file, index = re.match(r"(.+?): :index=(\d+)", out[0]).groups()
    return TTCollection(file).fonts[int(index)] if file.endswith((".ttc", ".otc")) else TTFont(file)


def cmaps(code: str) -> list[set[int]]:
    return [set(font_file(family).getBestCmap()) for family in language_of(code).fonts]


class Recording:
    """Every caption and label the scene makes (cells.text_line), and any text that leaves the frame."""

    def __init__(self, monkeypatch):
        self.texts: list[str] = []
        self.fonts: set[str] = set()
        self.outside: list[str] = []
        recording = self

        class RecordedText(GlyphText):
            def __init__(self, text, **kwargs):
                super().__init__(text, **kwargs)
                recording.texts.append(text)
                recording.fonts.add(kwargs.get("font"))

        monkeypatch.setattr(cells, "GlyphText", RecordedText)

    def check_frame(self, scene) -> None:
        stack = list(scene.mobjects)
        while stack:  # every Text on screen (not down to its glyphs)
            mob = stack.pop()
            if not isinstance(mob, Text):
                stack.extend(mob.submobjects)
            elif mob.get_width() > 0:
                (x0, y0, _), (x1, y1, _) = mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])
                if x0 < -FRAME_WIDTH / 2 - 1e-6 or x1 > FRAME_WIDTH / 2 + 1e-6 or \
                        y0 < -FRAME_HEIGHT / 2 - 1e-6 or y1 > FRAME_HEIGHT / 2 + 1e-6:
                    self.outside.append(mob.text)


def run_in(scene_class, code: str, monkeypatch) -> Recording:
    """Run ``scene_class`` in language ``code`` (animations skipped), checking the frame after every play and
    recording each sentence the scene asked for: (the English text, the text in ``code``), same fields."""
    recording = Recording(monkeypatch)
    recording.sentences = []
    from convanim.manim.options.language_option import LanguageOption
    tr, trn = LanguageOption.tr, LanguageOption.trn

    def recorded_tr(self, message, **fields):
        text = tr(self, message, **fields)
        recording.sentences.append((translate("en", message, **fields), text))
        return text

    def recorded_trn(self, singular, plural, n, **fields):
        text = trn(self, singular, plural, n, **fields)
        recording.sentences.append((translate_plural("en", singular, plural, n, **fields), text))
        return text

    monkeypatch.setattr(LanguageOption, "tr", recorded_tr)
    monkeypatch.setattr(LanguageOption, "trn", recorded_trn)

    class Checked(scene_class):
        language = code

        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            recording.check_frame(self)

    scene = run(Checked)
    recording.check_frame(scene)
    recording.scene = scene
    return recording


def numbers_in(text: str) -> list[str]:
    return sorted(NUMBER.findall(cells.with_minus_signs(text)))


def load_scene(file: str, name: str):
    from manim_support import load_scene as load
    return load(ROOT / "scenes" / file, name)


NUMBER = re.compile(r"−?\d+(?:\.\d+)?")
# Conv3x3, one arithmetic scene (two formulas, unvisited cells), pooling (−∞ padding; padding not counted;
# a window dropped by ceil_mode) and the photo's feature maps
TRANSLATED_SCENES = [("conv3x3.py", "Conv3x3"), ("arithmetic.py", "PaddingStridesOdd"), ("pooling.py", "MaxPoolPadded"),
                     ("pooling.py", "AvgPoolExcludePad"), ("pooling.py", "MaxPoolCeilMode"),
                     ("feature_maps.py", "FeatureMaps")]


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
@pytest.mark.parametrize("file, name", TRANSLATED_SCENES)
def test_a_scene_in_every_language(file, name, code, monkeypatch):
    recording = check_scene_in(file, name, code, monkeypatch)
    if name == "Conv3x3":  # the grids, read back: the trace's numbers in every language
        scene = recording.scene
        for f, grid in enumerate(scene.output_grids):
            np.testing.assert_array_equal(grid.shown_values(), scene.trace.output[f])
        np.testing.assert_array_equal(scene.input_stack.front_grid().shown_values(),
                                      scene.trace.padded[scene.steps[-1].input_channel])


def check_scene_in(file, name, code, monkeypatch):
    """``name`` in language ``code``: its fonts have every character, every text stays in the frame, and each
    sentence shows the numbers its English shows (the same fields, put into both)."""
    recording = run_in(load_scene(file, name), code, monkeypatch)
    language = language_of(code)
    # drawn with the language's fonts, every character in one of them (no tofu)
    assert recording.fonts == {language.font}
    fonts = cmaps(code)
    missing = sorted({ch for text in recording.texts for ch in text
                      if not ch.isspace() and not any(ord(ch) in cmap for cmap in fonts)})
    assert not missing, f"{name} in {code}: {missing} are in none of {language.fonts}"
    # every caption inside the frame
    assert not recording.outside, f"{name} in {code}: outside the frame: {recording.outside}"
    # translated, and every sentence with exactly the numbers of its English
    assert recording.sentences and any(english != text for english, text in recording.sentences)
    for english, text in recording.sentences:
        assert numbers_in(text) == numbers_in(english), (text, english)
    on_screen = "\n".join(recording.texts).replace("\n", " ")  # a caption wrapped at spaces reads the same
    assert all(cells.with_minus_signs(text) in on_screen for _, text in recording.sentences)
    return recording


def test_a_missing_font_stops_the_scene_naming_its_package(monkeypatch):
    from convanim.manim.mobjects import fonts
    have = fonts.installed_families() - {"Noto Sans Mono CJK SC"}
    monkeypatch.setattr(fonts, "installed_families", lambda: have)
    scene_class = load_scene("conv3x3.py", "Conv3x3")

    class Chinese(scene_class):
        language = "zh-Hans"

    with pytest.raises(fonts.FontMissingError, match="apt-get install fonts-noto-cjk"):
        Chinese(skip_animations=True).run()


def test_an_unknown_language_is_refused_before_rendering(tmp_path):
    import shutil
    import sys
    command = shutil.which("convanim", path=str(Path(sys.executable).parent))
    out = tmp_path / "x.png"
    result = subprocess.run([command, "still", "scenes/conv3x3.py", "Conv3x3", "--set", "language=fr", "--out",
                             str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "Conv3x3.language = 'fr': expected one of 'en', 'th', 'ja'" in result.stderr
    assert not out.exists()


def test_a_long_thai_caption_is_wrapped_inside_the_frame_at_word_breaks():
    thai = language_of("th")
    cells.use_language(thai)
    try:
        text = "ผลลัพธ์ทุกตัวของตัวกรองเริ่มจากไบแอส " * 6
        mob = cells.caption_text(text.strip(), 28)
    finally:
        cells.use_language(language_of("en"))
    one_line = cells.text_line("ผลลัพธ์", cells.MIN_FONT_SIZE)
    assert mob.get_width() <= cells.CAPTION_WIDTH + 1e-6
    assert mob.get_height() > 2.5 * one_line.get_height()  # several lines, not one shrunk line
