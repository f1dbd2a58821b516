"""A scene's options: declared class attributes a lecturer may set, and nothing else.

Each option is declared once, where it is introduced, with its default, its
kind (what it may hold: :mod:`convanim.manim.options.option_kinds`) and one line
saying what it does::

    class LayerOptions:
        stride = Option(1, Pair(1, 4), "the step between windows (SH, SW)")

A subclass changes the default with a plain assignment (``stride = 2``).
The declarations are the one list that ``convanim render --set NAME=VALUE``
parses against (:func:`parse_options`), that every scene checks before its
first frame (:func:`check_options`, from ``BatchedScene.run``), that error
messages list, and that ``convanim list --options SCENE`` and the docs
print (:func:`describe_options`).  Class attributes that are not declared
(render state, layout constants in capitals) are not options.  No manimlib
import here: the command checks ``--set`` before any render starts.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from convanim.manim.options.option_kinds import Kind, Refused, literal


class OptionError(ValueError):
    """An option value the scene cannot take; the message names ``Scene.option``, the value and the rule."""


class Option:
    """A declared option: ``default``, ``kind`` (what it may hold) and ``help`` (one line).  Read on a class
    or a scene, it gives the default (or a subclass's value, which replaces it)."""

    def __init__(self, default: Any, kind: Kind, help: str):
        self.default, self.kind, self.help = default, kind, help
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        return self.default

    def __repr__(self) -> str:
        return f"Option({self.default!r}, {self.kind.rule!r}, {self.help!r})"


def declared_options(scene_class: type) -> dict[str, Option]:
    """Every option ``scene_class`` declares or inherits, by name (the nearest declaration wins), sorted.  A
    subclass that defines a method or property of an option's name withdraws it (TrainedPipelineScene's
    ``digit`` comes from the trained network, not from the option)."""
    found: dict[str, Option] = {}
    withdrawn: set[str] = set()
    for cls in scene_class.__mro__:
        for name, value in vars(cls).items():
            if name in found or name in withdrawn:
                continue
            if isinstance(value, Option):
                found[name] = value
            elif callable(value) or isinstance(value, (property, staticmethod, classmethod)):
                withdrawn.add(name)
    return dict(sorted(found.items()))


def scene_options(scene_class: type) -> dict[str, Any]:
    """The options a lecture may set, with ``scene_class``'s values (its defaults)."""
    return {name: getattr(scene_class, name) for name in declared_options(scene_class)}


def shown(value: Any) -> str:
    """A value as an error message quotes it (long arrays cut short)."""
    text = f"np.array({value.tolist()!r})" if isinstance(value, np.ndarray) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_assignment(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` -> (NAME, VALUE); OptionError when there is no ``=`` or no name."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise OptionError(f"--set takes NAME=VALUE (e.g. --set stride=2); got {text!r}")
    return name.strip(), value.strip()


def parse_option(scene_class: type, name: str, text: str) -> Any:
    """``text`` as a value for option ``name`` of ``scene_class`` (OptionError naming it otherwise)."""
    options = declared_options(scene_class)
    scene = scene_class.__name__
    if name not in options:
        raise OptionError(f"{scene} has no option {name!r}; its options: {', '.join(options)}")
    kind = options[name].kind
    if not kind.from_text:
        raise OptionError(f"{scene}.{name} ({kind.rule}) cannot be set from the command line; set it in a subclass")
    try:
        return kind.read(text)
    except Refused:
        value = literal(text)
        quoted = repr(text) if isinstance(value, str) else shown(value)
        raise OptionError(f"{scene}.{name} = {quoted}: expected {kind.rule}") from None


def parse_options(scene_class: type, assignments: list[str]) -> dict[str, Any]:
    """Every ``NAME=VALUE`` parsed (see :func:`parse_option`), in order; a later one wins."""
    out = {}
    for text in assignments:
        name, value = parse_assignment(text)
        out[name] = parse_option(scene_class, name, value)
    return out


def check_options(scene: Any) -> None:
    """Every declared option of ``scene`` (a scene or its class) holds what its kind takes: OptionError naming
    ``Scene.option``, the value and the rule, before anything is drawn.  Options that must agree with each other
    are checked by the families (e.g. ``LayerOptions.check_layer_options``)."""
    scene_class = scene if isinstance(scene, type) else type(scene)
    for name, option in declared_options(scene_class).items():
        value = getattr(scene, name)
        try:
            option.kind.accept(value)
        except Refused:
            raise OptionError(f"{scene_class.__name__}.{name} = {shown(value)}: expected {option.kind.rule}") from None


def describe_options(scene_class: type) -> list[tuple[str, str, str, str]]:
    """(name, value, rule, help) of each option of ``scene_class``, for ``convanim list --options`` and the docs."""
    return [(name, shown(getattr(scene_class, name)), option.kind.rule, option.help)
            for name, option in declared_options(scene_class).items()]


__all__ = ["Option", "OptionError", "declared_options", "scene_options", "parse_assignment", "parse_option",
           "parse_options", "check_options", "describe_options"]
