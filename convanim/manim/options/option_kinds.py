"""What an option may hold: each kind accepts a value (from a subclass or from ``--set`` text) or refuses it.

A kind knows its rule in words (``rule``, used by error messages,
``convanim list --options`` and the docs) and accepts a value by returning
it in its canonical form (a list becomes a tuple, a nested list an array)
or raising :class:`Refused`.  The option itself (:class:`convanim.manim.options.options.Option`)
puts the scene's and the option's names in front.  No manimlib import.
"""
from __future__ import annotations

import ast
import numbers
from typing import Any

import numpy as np

_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


class Refused(ValueError):
    """A value the kind does not take (the caller names the option and states the rule)."""


def literal(text: str) -> Any:
    """``2`` -> 2, ``5,5`` -> (5, 5), ``[[1,2]]`` -> [[1, 2]], ``None`` -> None; anything else stays text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def is_whole(value: Any) -> bool:
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_real(value: Any) -> bool:
    return isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, (bool, np.bool_))


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of {low} or more"
    if high is not None:
        return f" of {high} or less"
    return ""


def _within(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


class Kind:
    """One kind of option value."""

    rule: str = ""
    #: True when ``--set`` can give it (False: a subclass sets it in Python).
    from_text: bool = True

    def accept(self, value: Any) -> Any:
        """``value`` in canonical form, or :class:`Refused`."""
        raise NotImplementedError

    def read(self, text: str) -> Any:
        """A ``--set`` text as a value (:class:`Refused` when it is not one)."""
        return self.accept(literal(text))


class Whole(Kind):
    """A whole number within ``low`` … ``high`` (inclusive; None: unbounded); ``odd``: odd ones only; ``words``:
    texts also taken (a 1-D padding's 'same' and 'valid')."""

    def __init__(self, low: int | None = None, high: int | None = None, *, odd: bool = False,
                 words: tuple[str, ...] = ()):
        self.low, self.high, self.odd, self.words = low, high, odd, words
        self.rule = (("an odd" if odd else "a whole") + " number" + _bounds(low, high)
                     + (" or " + "/".join(repr(w) for w in words) if words else ""))

    def accept(self, value: Any) -> int | str:
        if isinstance(value, str) and value in self.words:
            return value
        if not is_whole(value) or not _within(value, self.low, self.high) or (self.odd and int(value) % 2 == 0):
            raise Refused(self.rule)
        return int(value)

    def read(self, text: str) -> int | str:
        return self.accept(text.strip() if text.strip() in self.words else literal(text))


class Number(Kind):
    """A real number within ``low`` … ``high``; ``above`` instead of ``low`` for a bound left out."""

    def __init__(self, low: float | None = None, high: float | None = None, *, above: float | None = None):
        self.low, self.high, self.above = low, high, above
        self.rule = "a number" + (f" above {above}" if above is not None else _bounds(low, high)) + (
            f" and at most {high}" if above is not None and high is not None else "")

    def accept(self, value: Any) -> float:
        if not is_real(value) or not np.isfinite(value) or not _within(value, self.low, self.high) or (
                self.above is not None and not value > self.above):
            raise Refused(self.rule)
        return float(value)


class Flag(Kind):
    """True or false (``--set``: true/false, yes/no, on/off, 1/0)."""

    rule = "true or false"

    def accept(self, value: Any) -> bool:
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        raise Refused(self.rule)

    def read(self, text: str) -> bool:
        word = text.strip().lower()
        if word in _TRUE | _FALSE:
            return word in _TRUE
        raise Refused(self.rule)


class Choice(Kind):
    """One of a few words."""

    def __init__(self, *choices: str):
        self.choices = choices
        self.rule = "one of " + ", ".join(repr(c) for c in choices)

    def accept(self, value: Any) -> str:
        if value not in self.choices:
            raise Refused(self.rule)
        return value

    def read(self, text: str) -> str:
        return self.accept(text.strip())


class FreeText(Kind):
    """Any text (a path, a command, a list of languages: the scene checks its meaning)."""

    def __init__(self, rule: str = "text"):
        self.rule = rule

    def accept(self, value: Any) -> str:
        if not isinstance(value, str):
            raise Refused(self.rule)
        return value

    def read(self, text: str) -> str:
        return text


class Pair(Kind):
    """A whole number or a pair (H, W) of them, each within ``low`` … ``high``; ``words``: texts also taken
    (padding's 'same' and 'valid'); ``single=False``: only a pair."""

    def __init__(self, low: int | None = 1, high: int | None = None, *, words: tuple[str, ...] = (),
                 single: bool = True):
        self.low, self.high, self.words, self.single = low, high, words, single
        each = "whole numbers" + _bounds(low, high)
        self.rule = ((f"a whole number or a pair such as 2,2 of {each}" if single else f"a pair such as 2,2 of {each}")
                     + (" or " + "/".join(repr(w) for w in words) if words else ""))

    def accept(self, value: Any) -> int | tuple[int, int] | str:
        if isinstance(value, str) and value in self.words:
            return value
        if self.single and is_whole(value) and _within(value, self.low, self.high):
            return int(value)
        if isinstance(value, (tuple, list)) and len(value) == 2 and all(
                is_whole(v) and _within(v, self.low, self.high) for v in value):
            return (int(value[0]), int(value[1]))
        raise Refused(self.rule)

    def read(self, text: str):
        return self.accept(text.strip() if text.strip() in self.words else literal(text))


class WholeRange(Kind):
    """An inclusive range (low, high) of whole numbers within ``least`` … ``most``, low ≤ high."""

    def __init__(self, least: int, most: int):
        self.least, self.most = least, most
        self.rule = f"a pair low,high of whole numbers from {least} to {most} with low ≤ high"

    def accept(self, value: Any) -> tuple[int, int]:
        if not (isinstance(value, (tuple, list)) and len(value) == 2 and all(
                is_whole(v) and _within(v, self.least, self.most) for v in value) and value[0] <= value[1]):
            raise Refused(self.rule)
        return (int(value[0]), int(value[1]))


class Numbers(Kind):
    """A fixed number of real numbers (angles, a pixel's place)."""

    def __init__(self, count: int, rule: str, *, whole: bool = False, low: float | None = None):
        self.count, self.whole, self.low = count, whole, low
        self.rule = rule

    def accept(self, value: Any) -> tuple:
        ok = is_whole if self.whole else is_real
        if not (isinstance(value, (tuple, list)) and len(value) == self.count and all(
                ok(v) and _within(v, self.low, None) for v in value)):
            raise Refused(self.rule)
        return tuple(int(v) if self.whole else float(v) for v in value)


class Values(Kind):
    """Numbers given by hand: a nested list (or array) of one shape, ``ndim`` deep (the scene checks the
    shape against the other options; ``ndim`` None: any depth).  nan and inf are taken: a scene may show
    what they do (MaxPoolNaN)."""

    def __init__(self, ndim: int | None, shape: str):
        self.ndim = ndim
        self.rule = f"a nested list of numbers whose rows have one length, {shape}"

    def accept(self, value: Any) -> np.ndarray:
        if isinstance(value, str):
            raise Refused(self.rule)
        try:
            array = np.asarray(value)
        except ValueError:  # numpy refuses rows of different lengths
            raise Refused(self.rule) from None
        if array.dtype.kind not in "iuf" or (self.ndim is not None and array.ndim != self.ndim):
            raise Refused(self.rule)
        return array


class Maybe(Kind):
    """None (``--set NAME=None``), or what ``kind`` takes."""

    def __init__(self, kind: Kind, none_means: str):
        self.kind = kind
        self.rule = f"{kind.rule}, or None ({none_means})"

    def accept(self, value: Any) -> Any:
        if value is None:
            return None
        try:
            return self.kind.accept(value)
        except Refused:
            raise Refused(self.rule) from None

    def read(self, text: str) -> Any:
        if text.strip() == "None":
            return None
        try:
            return self.kind.read(text)
        except Refused:
            raise Refused(self.rule) from None


class InCode(Kind):
    """Set in a subclass only (an object ``--set`` cannot spell, such as a Palette or a tuple of step names)."""

    from_text = False

    def __init__(self, check: type | tuple[type, ...], rule: str):
        self.check, self.rule = check, rule

    def accept(self, value: Any) -> Any:
        if not isinstance(value, self.check):
            raise Refused(self.rule)
        return value

    def read(self, text: str) -> Any:
        raise Refused("set in a subclass")


__all__ = ["Kind", "Refused", "Whole", "Number", "Flag", "Choice", "FreeText", "Pair", "WholeRange", "Numbers",
           "Values", "Maybe", "InCode", "literal", "is_whole", "is_real"]
