"""A scene's options (its class attributes) set from text, as ``convanim render --set NAME=VALUE`` does.

Each value is parsed to the type of the attribute it replaces (``--set
stride=2``, ``--set input_size=5,5``, ``--set language=th``,
``--set detailed_steps=0``); a name the scene does not have, or a value of
the wrong type, is refused with a message that names it and lists the
options.  No manimlib import here: the command checks ``--set`` before any
render starts.
"""
from __future__ import annotations

import ast
import numbers
from typing import Any

import numpy as np

#: Options whose value may take more than one form (an int or a pair, or a word such as 'same').
_PAIR_OR_WORD = {"stride", "padding", "dilation", "kernel_size"}
_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


class OptionError(ValueError):
    """A ``--set`` the scene cannot take; the message names it and what would be valid."""


def scene_options(scene_class: type) -> dict[str, Any]:
    """The options a lecture may set: public class attributes that hold data (not methods), from the
    scene's own classes and convanim's (manimgl's Scene internals are left out), with their defaults."""
    found: dict[str, Any] = {}
    for cls in reversed(scene_class.__mro__):
        if cls.__module__.startswith("manimlib") or cls is object:
            continue
        for name, value in vars(cls).items():
            if name.startswith("_") or callable(value) or isinstance(value, (staticmethod, classmethod, property)):
                continue
            found[name] = getattr(scene_class, name)
    return dict(sorted(found.items()))


def parse_assignment(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` -> (NAME, VALUE); OptionError when there is no ``=`` or no name."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise OptionError(f"--set takes NAME=VALUE (e.g. --set stride=2); got {text!r}")
    return name.strip(), value.strip()


def parse_option(scene_class: type, name: str, text: str) -> Any:
    """``text`` as a value for option ``name`` of ``scene_class``, of the default's type."""
    options = scene_options(scene_class)
    scene = scene_class.__name__
    if name not in options:
        raise OptionError(f"{scene} has no option {name!r}; its options: {', '.join(options)}")
    default = options[name]
    value = _literal(text)
    problem = f"{scene}.{name} = {text!r}: expected"
    if isinstance(default, bool):
        word = text.lower()
        if word in _TRUE | _FALSE:
            return word in _TRUE
        raise OptionError(f"{problem} true or false (default {default})")
    if isinstance(default, str):
        return text
    if name in _PAIR_OR_WORD:
        if isinstance(value, str) and value in ("same", "valid") and name == "padding":
            return value
        if _is_int(value):
            return value
        if isinstance(value, (tuple, list)) and len(value) == 2 and all(map(_is_int, value)):
            return tuple(value)
        words = " or 'same'/'valid'" if name == "padding" else ""
        raise OptionError(f"{problem} an int or a pair such as 2,2{words} (default {default!r})")
    if isinstance(default, numbers.Integral):
        if _is_int(value):
            return int(value)
        raise OptionError(f"{problem} an int (default {default})")
    if isinstance(default, numbers.Real):
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            return float(value)
        raise OptionError(f"{problem} a number (default {default})")
    if isinstance(default, tuple):
        if isinstance(value, (tuple, list)) and len(value) == len(default) and all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value):
            return tuple(type(d)(v) if isinstance(d, numbers.Real) else v for d, v in zip(default, value))
        raise OptionError(f"{problem} {len(default)} numbers such as {','.join(map(str, default))} "
                          f"(default {default!r})")
    if default is None or isinstance(default, np.ndarray):
        if isinstance(value, (tuple, list)):
            try:
                array = np.asarray(value)
            except ValueError:  # numpy refuses rows of different lengths
                raise OptionError(f"{problem} a nested list of numbers whose rows have one length, such as "
                                  "[[1,2],[3,4]]; its rows differ in length") from None
            if array.dtype.kind in "iuf":
                return array
        raise OptionError(f"{problem} a nested list of numbers such as [[1,2],[3,4]]")
    raise OptionError(f"{scene}.{name} ({type(default).__name__}) cannot be set from the command line; "
                      "set it in a subclass")


def parse_options(scene_class: type, assignments: list[str]) -> dict[str, Any]:
    """Every ``NAME=VALUE`` parsed (see :func:`parse_option`), in order; a later one wins."""
    out = {}
    for text in assignments:
        name, value = parse_assignment(text)
        out[name] = parse_option(scene_class, name, value)
    return out


def _literal(text: str) -> Any:
    """``2`` -> 2, ``5,5`` -> (5, 5), ``[[1,2]]`` -> [[1, 2]]; anything else stays text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


__all__ = ["OptionError", "scene_options", "parse_assignment", "parse_option", "parse_options"]
