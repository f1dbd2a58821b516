"""The one palette of the scenes: input green, kernel blue, bias purple, output red.

Colours follow the reference blog post (phyblas, 2021).  Scenes take a
``palette`` class attribute, so a lecture can swap any colour::

    class MyConv(Conv3x3):
        palette = Palette(kernel="#FFA500")
"""
from __future__ import annotations

from dataclasses import dataclass

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import interpolate_color


@dataclass(frozen=True)
class Palette:
    """Colours as hex strings; ``ramp`` colours an output cell by how many channels are in."""

    input: str = "#2E7D32"          # green
    kernel: str = "#1E88E5"         # blue
    bias: str = "#8E24AA"           # purple
    output: str = "#E53935"         # red
    padding: str = "#424242"        # padding cells: grey
    product: str = "#FFEB3B"        # products over the input: yellow
    text: str = "#FFFFFF"
    muted: str = "#9E9E9E"
    winner: str = "#FFC107"         # pooling winner
    background: str = "#111111"
    # Input channels where a scene tells them apart (im2col: where each entry came from).
    channels: tuple[str, ...] = ("#2E7D32", "#00838F", "#9E9D24", "#6D4C41")

    def channel(self, c: int) -> str:
        """The colour of input channel ``c`` (the list repeats past its end)."""
        return self.channels[c % len(self.channels)]

    def ramp(self, channels_in: int, channels: int) -> str:
        """Output cell colour with ``channels_in`` of ``channels`` input channels summed in.

        Bias only (0) is the bias purple, all channels the full output red.
        """
        alpha = channels_in / channels if channels else 1.0
        return interpolate_color(self.bias, self.output, alpha).hex_l  # type: ignore[union-attr]


DEFAULT_PALETTE = Palette()
