"""Numbers on screen: one way to make them, one way to read them back.

A number mobject's state (``num_string``) and its glyphs agree as long as it
is only changed through :func:`set_number` (which rebuilds the glyphs).  The
scenes never animate ``set_value``; tests read numbers with :func:`shown_value`.
"""
from __future__ import annotations

import logging
import numbers as _numbers

import numpy as np
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import ORIGIN, DecimalNumber, Integer, Text, VMobject

from convanim.languages import NUMBER_FONT

NUMBER_TEXT = {"font": NUMBER_FONT}  # the digits' font, named: the same in every language


def is_integral(value: object) -> bool:
    return isinstance(value, (_numbers.Integral, np.integer))


def make_number(value: object, decimals: int, font_size: float, color: str) -> DecimalNumber:
    """An Integer for integer values, else a DecimalNumber with ``decimals`` places.

    -inf, inf and NaN (max-pooling padding, NaN inputs) are drawn as ``−∞``,
    ``∞`` and ``NaN``; their ``num_string`` is ``-inf``, ``inf``, ``nan``.
    """
    if not is_integral(value) and not np.isfinite(float(value)):
        v = float(value)
        text = "NaN" if np.isnan(v) else ("−∞" if v < 0 else "∞")
        mob = Text(text, font_size=font_size, color=color, font=NUMBER_FONT)
        mob.num_string = "nan" if np.isnan(v) else ("-inf" if v < 0 else "inf")
        return mob
    # edge_to_fix=ORIGIN: a changing number stays centred in its cell.
    if is_integral(value):
        return Integer(int(value), font_size=font_size, color=color, group_with_commas=False, edge_to_fix=ORIGIN,
                       text_config=NUMBER_TEXT)
    return DecimalNumber(float(value), num_decimal_places=decimals, font_size=font_size, color=color,
                         group_with_commas=False, edge_to_fix=ORIGIN, text_config=NUMBER_TEXT)


def set_number(mob: DecimalNumber, value: object) -> DecimalNumber:
    """Change what ``mob`` shows, glyphs and state together, keeping its centre."""
    center = mob.get_center()
    mob.set_value(int(value) if is_integral(value) else float(value))
    mob.move_to(center)
    return mob


def shown_value(mob: VMobject) -> float:
    """The number ``mob`` draws, parsed from its string (``–`` is the minus sign)."""
    text = mob.num_string.replace("–", "-").replace(",", "")
    return float(text)


def shown_string(mob: VMobject) -> str:
    """The text ``mob`` draws, as a plain string with an ASCII minus."""
    return mob.num_string.replace("–", "-")


def format_value(value: object, decimals: int) -> str:
    """The string :func:`make_number` would draw for ``value`` (for captions and tests)."""
    if is_integral(value):
        return str(int(value))
    if not np.isfinite(float(value)):
        return "nan" if np.isnan(float(value)) else ("-inf" if float(value) < 0 else "inf")
    text = f"{float(value):.{decimals}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def widest_text(values, decimals: int) -> str:
    """As many 8s as the longest of ``values`` takes drawn: the text cells are sized for."""
    return "8" * max(len(format_value(v, decimals)) for v in np.ravel(values))


def warn_non_finite(scene: str, **arrays) -> None:
    """Log one warning per array that holds NaN or ±∞ (they propagate: every output whose window holds
    one is NaN or ±∞), spelled as the screen spells them."""
    for name, values in arrays.items():
        if values is None or np.asarray(values).dtype.kind not in "fc":
            continue
        values = np.asarray(values)
        counts = {"NaN": int(np.isnan(values).sum()), "∞": int(np.isposinf(values).sum()),
                  "−∞": int(np.isneginf(values).sum())}
        found = ", ".join(f"{n} {word}" for word, n in counts.items() if n)
        if found:
            logging.getLogger("convanim").warning(
                "%s: %s holds %s; every output whose window reads one is NaN or ±∞", scene, name, found)


def format_shape(shape) -> str:
    """``(4, 24, 24)`` -> ``'4×24×24'``, as the scenes label maps."""
    return "×".join(str(int(n)) for n in shape)
