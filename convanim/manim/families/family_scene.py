"""FamilyScene: what every scene family shares, the one base their scenes stand on.

A family (conv layer, pooling, im2col, volumes, the backward families, …)
subclasses it and adds its own layer, mobjects and story.  The base owns:

- the look: ``palette`` (declared), and the background painted from it;
- the pacing: ``stage_time`` and ``pause_time`` (declared; a family sets its
  own default with a plain assignment, ``stage_time = 0.9``).  Families that
  sweep declare their own ``sweep_time``: a family without sweeps has no
  such option to set;
- the caption at the bottom of the frame, changed only through
  :meth:`FamilyScene.caption_to`, which also brings the note that says why a
  statement is written with ``≈`` the first time one is;
- ``setup()``: the background and an empty caption.  A family's ``setup``
  calls ``super().setup()`` first;
- the closing code card: a family whose layer PyTorch computes returns its
  lines from :meth:`FamilyScene.torch_code`, declares ``show_code =
  show_code_option()`` and ends its story with ``if self.shows_code():
  self.show_code_card()``.

Layout constants (``CAPTION_SIZE``, ``LONG_CAPTION_SIZE``) are capitals and
are not options: a lecturer's variant changes the layer, not the type.
"""
from __future__ import annotations

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN
from manimlib.utils.color import color_to_rgba

from convanim.manim.animations.fades import FadeIn, fade_out_together
from convanim.manim.mobjects.cells import caption_text, swap_caption_with_note
from convanim.manim.mobjects.code_card import CodeCard
from convanim.manim.mobjects.palette import DEFAULT_PALETTE, Palette
from convanim.manim.options.common_options import palette_option, pause_time_option, stage_time_option
from convanim.manim.rendering.batched_scene import BatchedScene

#: Captions at least this many characters long are written at ``LONG_CAPTION_SIZE``.
LONG_CAPTION = 70


class FamilyScene(BatchedScene):
    """The base of every scene family: palette and background, pacing, and one bottom caption.

    ``self.caption`` is the caption shown now (a Text); ``self.approximate_note``
    the ≈ note once a statement has brought it, else None.
    """

    palette: Palette = palette_option(DEFAULT_PALETTE)
    stage_time: float = stage_time_option(0.8)
    pause_time: float = pause_time_option(1.0)

    #: The caption's font size, and the size of captions of LONG_CAPTION characters or more.
    CAPTION_SIZE: float = 24
    LONG_CAPTION_SIZE: float = 24
    #: The font size of a sentence that closes a stage (one line, not shrunk as a long statement is).
    CLOSING_SIZE: float = 24

    def setup(self) -> None:
        """The background from the palette and an empty caption at the bottom of the frame."""
        self.camera.background_rgba = list(color_to_rgba(self.palette.background))
        self.caption = self.hold_caption(caption_text(" ", self.CAPTION_SIZE).to_edge(DOWN, buff=0.3))
        self.approximate_note = None

    def caption_size(self, text: str) -> float:
        """The font size ``text`` is captioned at (before :func:`caption_text` fits it to the frame)."""
        return self.CAPTION_SIZE if len(text) < LONG_CAPTION else self.LONG_CAPTION_SIZE

    def hold_caption(self, mob):
        """Where a new caption (or the ≈ note) is kept: as it is here; a family whose camera moves fixes it in
        the frame, one that layers its mobjects puts it on top.  Returns ``mob``."""
        return mob

    def caption_to(self, text: object, font_size: float | None = None):
        """The animation that changes the caption to ``text`` (a string, or a core Statement): the old caption
        fades out, then the new one in; the first statement written with ≈ brings the note that says why, and
        the note stays above every caption after it.  ``font_size`` replaces :meth:`caption_size` (before
        :func:`caption_text` fits it to the frame)."""
        approximate = getattr(text, "approximate", False) or " ≈ " in str(text)
        text = str(text)
        had_note = self.approximate_note is not None
        self.caption, self.approximate_note, animation = swap_caption_with_note(
            self.caption, self.approximate_note, text, font_size or self.caption_size(text), approximate)
        self.hold_caption(self.caption)
        if self.approximate_note is not None and not had_note:
            self.hold_caption(self.approximate_note)
        return animation

    def torch_code(self):
        """The PyTorch code of what the scene shows (a :class:`convanim.torch_code.TorchCode`), or None for a
        family that has none."""
        return None

    def shows_code(self) -> bool:
        """True when the scene ends on its code card: ``show_code`` is set, the family has code, and the lines fit
        the card at a readable size (a long network's may not)."""
        if not getattr(self, "show_code", False) or self.torch_code() is None:
            return False
        return CodeCard(self.torch_code().lines, self.code_card_title()).fits

    def code_card_title(self) -> str:
        """The line above the code card."""
        return self.tr("the same layer in PyTorch")

    def show_code_card(self) -> None:
        """The closing card, when ``show_code`` is set: the scene fades out and the PyTorch lines that build its
        layer with the weights shown and compute the output shown come in."""
        code = self.torch_code()
        if not self.shows_code():
            return
        self.code_card = CodeCard(code.lines, self.code_card_title()).move_to([0, 0.35, 0])
        self.code_card.fix_in_frame()  # where the camera has turned (a stacked view), the card still faces it
        self.hold_caption(self.code_card)
        leaving = [m for m in self.mobjects if m is not self.caption and m is not self.approximate_note]
        self.play(*fade_out_together(leaving), run_time=self.stage_time / 2)
        self.remove(*leaving)
        self.play(FadeIn(self.code_card), self.caption_to(self.code_caption(code)), run_time=self.stage_time)
        self.wait(self.pause_time)

    def code_caption(self, code) -> str:
        """The caption under the code card: what its arrays and its outputs are on screen."""
        names = ", ".join(code.arrays)
        if code.outputs == ("y",):
            return self.tr("{names}: the numbers shown; y: the output shown", names=names)
        return self.tr("{names}: the numbers shown; {outputs}: the gradients shown", names=names,
                       outputs=", ".join(code.outputs))


__all__ = ["FamilyScene", "LONG_CAPTION"]

