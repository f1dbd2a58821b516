"""The ``language`` option every scene has: captions from the language's catalogue, in its fonts."""
from __future__ import annotations

from convanim.languages import language_of, lookup, translate, translate_plural

from convanim.manim.mobjects.cells import use_language
from convanim.manim.mobjects.fonts import require_fonts
from convanim.manim.options.option_kinds import Choice
from convanim.manim.options.options import Option


class LanguageOption:
    """Scene mixin: ``language`` (``en``, ``th``, ``ja``, ``zh-Hans``, ``zh-Hant``, ``de``) and the
    ``tr``/``trn`` every word on screen goes through.

    ``apply_language()`` runs before ``setup()`` (BatchedScene.run): an
    unknown language stops there (ValueError naming the languages), and so
    does a missing font (FontMissingError naming its Debian package).
    """

    language: str = Option("en", Choice("en", "th", "ja", "zh-Hans", "zh-Hant", "de"),
                           "the language of every word on screen (and of the narration)")

    def apply_language(self) -> None:
        language = language_of(self.language)
        require_fonts(language)
        use_language(language)

    def tr(self, message: str, **fields) -> str:
        """``message`` (English, with ``{name}`` fields) in the scene's language, fields put in."""
        return translate(self.language, message, **fields)

    def trn(self, singular: str, plural: str, n: int, **fields) -> str:
        """The form of ``singular``/``plural`` that goes with ``n`` (``{n}`` is put in), in the scene's language."""
        return translate_plural(self.language, singular, plural, n, **fields)

    def lookup(self, message: str) -> str:
        """``message`` in the scene's language, fields left for the caller (for the core's statements)."""
        return lookup(self.language, message)


__all__ = ["LanguageOption"]
