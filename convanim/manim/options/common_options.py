"""The options many families share, declared once: pacing, decimals, palette, slide cuts, detail, seed.

A family writes ``stage_time = stage_time_option(0.8)``; the rule and the
description live here (see :mod:`convanim.manim.options.options`).
"""
from __future__ import annotations

from convanim.manim.options.option_kinds import Flag, InCode, Number, Whole
from convanim.manim.options.options import Option
from convanim.manim.mobjects.palette import Palette

#: The places a float is written with: 0 (whole numbers) to 6; more would not fit a cell at a readable size.
MAX_DECIMALS = 6


def decimals_option(default: int) -> Option:
    return Option(default, Whole(0, MAX_DECIMALS), "decimal places of the float values on screen")


def stage_time_option(default: float) -> Option:
    return Option(default, Number(0.05, 30), "seconds of each stage's animation")


def sweep_time_option(default: float) -> Option:
    return Option(default, Number(0.01, 30), "seconds of each quick step of a sweep")


def pause_time_option(default: float) -> Option:
    return Option(default, Number(0, 60), "seconds of each pause for the viewer to read")


def palette_option(default: Palette) -> Option:
    return Option(default, InCode(Palette, "a Palette, e.g. Palette(kernel='#FFA500')"), "the colours")


def slide_cuts_option(default: tuple[str, ...]) -> Option:
    return Option(default, InCode(tuple, "a tuple of the scene's step method names"),
                  "the steps after which a slide deck cuts")


def slide_runs_option(default: tuple[str, ...]) -> Option:
    return Option(default, InCode(tuple, "a tuple of the scene's step method names"),
                  "the repeated steps a slide deck plays through as one slide")


def detailed_option(default: int, what: str) -> Option:
    return Option(default, Whole(0, 10_000), f"the first {what} shown in detail (the rest quickly)")


def max_numbered_cells_option(default: int) -> Option:
    return Option(default, Whole(1, 100_000), "a grid with more cells is shaded by value instead of numbered")


def sweep_captions_option(default: int) -> Option:
    return Option(default, Whole(0, 100_000), "a sweep of more quick steps than this has one caption for all of them")


def seed_option(default: int, what: str = "the values") -> Option:
    return Option(default, Whole(0, 2**32 - 1), f"the random seed {what} are drawn from")


__all__ = ["MAX_DECIMALS", "decimals_option", "stage_time_option", "sweep_time_option", "pause_time_option",
           "palette_option", "slide_cuts_option", "slide_runs_option", "detailed_option", "max_numbered_cells_option",
           "sweep_captions_option", "seed_option"]


def show_code_option(default: bool = True) -> Option:
    return Option(default, Flag(), "end on a card with the PyTorch lines that build the layer and compute the output "
                                   "shown (convanim code prints them as a script)")
