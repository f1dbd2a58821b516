"""Sphinx configuration of convanim's documentation (``make docs`` builds it into docs/_build/html).

The pages are MyST Markdown, readable on a forge as they are; the parts that must never go stale are generated
at build time by ``_ext/convanim_docs.py``: the API reference from the two public paths' export lists, each
family's gallery from its scene file, and each family's options from the scenes' declared options.
"""
from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "convanim"
author = "convanim developers"
copyright = "2026, convanim developers"

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "convanim_docs"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

html_theme = "furo"
html_title = "convanim"
html_static_path: list[str] = []

myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
napoleon_google_docstring = False
napoleon_numpy_docstring = True

# Nitpicky: every cross-reference must resolve.  The names of other projects (numpy, manimgl, the standard
# library) have no inventory offline (no intersphinx: the build needs no network), so only they are let off.
nitpicky = True
# convanim's own types that appear in signatures but are not exported (their fields are described where used).
nitpick_ignore = [("py:class", name) for name in (
    "convanim.arithmetic.geometry.WindowGeometry", "WindowArray", "ConvLayer", "LayerOptions", "Kind")]
nitpick_ignore_regex = [
    (r"py:.*", r"(np|numpy|manimlib|matplotlib|PIL|pathlib|collections|typing|decimal|os|re|argparse|enum|dataclasses|abc)\..*"),
    (r"py:.*", r"(Path|Iterable|Iterator|Sequence|Callable|Mapping|Any|Literal|Optional|Union|NDArray|ArrayLike)"),
    (r"py:.*", r"(Scene|InteractiveScene|ThreeDScene|Mobject|VMobject|VGroup|Group|Animation|Text|Square|Rectangle"
               r"|Camera|Color|ManimColor|np\.ndarray|ndarray|dtype|float64|int64|floating|integer)"),
]
