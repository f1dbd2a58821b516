"""convanim.manim: the rendering layer (imports manimlib; ``import convanim`` does not).

Importing this package only prepares the environment for a machine without
a display (see :mod:`convanim.manim.headless`); manimlib itself is imported
when a scene class or mobject is first used, so that a command-line tool
can still set ``sys.argv`` (which manimlib reads on import) before that.
"""
from __future__ import annotations

import importlib

from .headless import prepare_environment

prepare_environment()

_EXPORTS = {
    "ConvLayerScene": ".conv_scene",
    "NumberGrid": ".cells",
    "ChannelStack": ".cells",
    "KernelOverlay": ".cells",
    "BiasChip": ".cells",
    "Palette": ".palette",
    "DEFAULT_PALETTE": ".palette",
    "show": ".notebook",
    "show_still": ".notebook",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'convanim.manim' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
