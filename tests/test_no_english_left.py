"""Every word a viewer reads goes through the catalogues (issue 32: ConvBackward's rule line and input label, and
Col2Im's dcols caption, stayed English in every language).  Every gallery scene runs in Thai, and every run of
three or more Latin letters on screen after every play must be one of the names below: PyTorch's own argument
and function names, a formula's function, the names of matrices in Saito's code, a photo's source, a book's
title.  Anything else is English left untranslated."""
import re
from pathlib import Path

import pytest

from screen_check import recording, run  # noqa: I001  (imports manimlib first)
from convanim.manim.rendering.scene_files import load_scene_module, scene_classes

ROOT = Path(__file__).resolve().parents[1]
#: Names kept in every language, and why.
NAMES = {
    "NaN", "ReLU", "max", "mean",                                     # formula words: max(…), mean(…), ReLU
    "True", "False", "ceil_mode", "count_include_pad", "divisor_override", "output_padding", "padding_mode",
    "zeros", "reflect", "replicate", "circular", "conv",               # PyTorch's argument names and values
    "col2im", "im2col", "dcols", "dout", "W_col", "cols", "col", "out",  # Saito's functions and matrices
    "chelsea", "scikit-image",                                         # the photo's name and source
    "PyTorch",                                                         # the library the code card is written for
    "mode", "valid", "full",                                           # SciPy's argument name and values
    "var",                                                             # a code card's variable (var1: σ²)
}
TITLES = ["Deep Learning from Scratch"]  # a book's title, as published


@pytest.mark.parametrize("scene_file", sorted(p.name for p in (ROOT / "scenes").glob("[!_]*.py")))
def test_no_english_is_left_on_screen_in_thai(scene_file):
    module = load_scene_module(str(ROOT / "scenes" / scene_file), f"english_{Path(scene_file).stem}")
    left = {}
    for name, scene_class in scene_classes(module).items():
        scene = run(recording(type(name, (scene_class,), {"language": "th"}), geometry=False))
        data = set(scene.words()) if hasattr(scene, "words") else set()  # the sentence a 1-D conv reads: its input
        for seen in scene.screen.texts():
            text = seen.text
            for title in TITLES:
                text = text.replace(title, "")
            for word in re.findall(r"[A-Za-z][A-Za-z_\-]{2,}", text):
                if word not in NAMES | data:
                    left.setdefault(word, f"{name}: {seen.text}")
    assert not left, "English left on screen:\n" + "\n".join(f"{w!r} in {t}" for w, t in left.items())
