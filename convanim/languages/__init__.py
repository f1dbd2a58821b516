"""The languages a scene can speak: their message catalogues (gettext ``.po``) and fonts.

Every word a scene shows goes through :func:`translate` (``tr`` in the
scenes; ``trn`` for a word whose form depends on a number).  The English
text is the message id; a language's catalogue lives in
``convanim/languages/<locale>/LC_MESSAGES/convanim.po`` and is read with
Babel when a scene first needs it (no compiled ``.mo``).  Numbers, shapes,
indices and formulas are put into the sentence unchanged, so every language
shows the same digits and signs.

This module needs Babel (a dependency of the rendering layer) only when a
catalogue is read; ``import convanim`` never imports it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

CATALOGUES = Path(__file__).resolve().parent
DOMAIN = "convanim"
NUMBER_FONT = "DejaVu Sans Mono"  # digits, signs and Latin letters look the same in every language


@dataclass(frozen=True)
class Language:
    """A language a scene can be captioned in.

    ``fonts``: the font families a caption is drawn with, in Pango's order
    (a character comes from the first family that has it); ``packages``: the
    Debian package of each family; ``spaced``: words are separated by spaces
    (a long caption is wrapped there; otherwise at Pango's line breaks, which
    know Thai words and CJK characters); ``iso639_2``: the language's ISO 639-2 code, which tags its subtitle
    stream in an MP4; ``espeak``: the espeak-ng voice that reads it (the draft voice of a narrated lecture;
    Japanese is read from kana); ``letters``: ordinary letters of the script, whose height sets its smallest
    caption size (digits for the scripts whose letters are at least as tall; Thai's consonants are a third
    shorter than digits of the same size).
    """
    code: str
    name: str
    locale: str
    fonts: tuple[str, ...]
    packages: tuple[str, ...]
    spaced: bool = False
    iso639_2: str = "eng"
    espeak: str = "en"
    letters: str = "0123456789"

    @property
    def font(self) -> str:
        """The fonts as one Pango family list (``"DejaVu Sans Mono,Tlwg Mono"``)."""
        return ",".join(self.fonts)

    @property
    def catalogue_path(self) -> Path:
        return CATALOGUES / self.locale / "LC_MESSAGES" / f"{DOMAIN}.po"


LANGUAGES: dict[str, Language] = {language.code: language for language in (
    Language("en", "English", "en", (NUMBER_FONT,), ("fonts-dejavu-core",), spaced=True, iso639_2="eng", espeak="en"),
    # Tlwg Typo, not Tlwg Mono: Pango draws Tlwg Mono's vowel and tone marks beside their letters
    Language("th", "ไทย", "th", (NUMBER_FONT, "Tlwg Typo"), ("fonts-dejavu-core", "fonts-tlwg-typo-otf"),
             iso639_2="tha", espeak="th", letters="กขคงจนมรลวอ"),
    Language("ja", "日本語", "ja", (NUMBER_FONT, "Noto Sans Mono CJK JP"), ("fonts-dejavu-core", "fonts-noto-cjk"),
             iso639_2="jpn", espeak="ja"),
    Language("zh-Hans", "简体中文", "zh_Hans", (NUMBER_FONT, "Noto Sans Mono CJK SC"),
             ("fonts-dejavu-core", "fonts-noto-cjk"), iso639_2="zho", espeak="cmn"),
    Language("zh-Hant", "繁體中文", "zh_Hant", (NUMBER_FONT, "Noto Sans Mono CJK TC"),
             ("fonts-dejavu-core", "fonts-noto-cjk"), iso639_2="zho", espeak="cmn"),
    Language("de", "Deutsch", "de", (NUMBER_FONT,), ("fonts-dejavu-core",), spaced=True, iso639_2="deu", espeak="de"),
)}


def language_of(code: str) -> Language:
    """The Language for ``code``; ValueError naming the codes there are."""
    try:
        return LANGUAGES[code]
    except (KeyError, TypeError):
        raise ValueError(f"language {code!r} is not one of {', '.join(LANGUAGES)}") from None


@functools.lru_cache(maxsize=None)
def catalogue(code: str):
    """The Babel Catalog of language ``code`` (None for English, whose message ids are the text)."""
    language = language_of(code)
    if language.code == "en":
        return None
    from babel.messages.pofile import read_po

    with open(language.catalogue_path, "rb") as file:
        return read_po(file, locale=language.locale, domain=DOMAIN)


def lookup(code: str, message: str, plural: str | None = None, n: int = 1) -> str:
    """The translation of ``message`` (its English form when the catalogue has none, or only a fuzzy one:
    gettext's rule, a translation marked fuzzy awaits a translator's check)."""
    table = catalogue(code)
    english = message if plural is None or n == 1 else plural
    if table is None:
        return english
    entry = table.get(message)
    if entry is None or not entry.string or entry.fuzzy:
        return english
    if plural is None:
        return entry.string if isinstance(entry.string, str) else entry.string[0]
    forms = entry.string if isinstance(entry.string, (tuple, list)) else (entry.string,)
    text = forms[min(plural_index(table, n), len(forms) - 1)]
    return text or english


def plural_index(table, n: int) -> int:
    """Which plural form of the catalogue's language goes with the number ``n`` (its Plural-Forms rule)."""
    from gettext import c2py  # the standard library's reader of gettext's C plural expressions

    return int(c2py(table.plural_expr)(n))


def translate(code: str, message: str, **fields) -> str:
    """``message`` in language ``code`` with ``fields`` put in (``str.format`` names)."""
    return lookup(code, message).format(**fields)


def translate_plural(code: str, singular: str, plural: str, n: int, **fields) -> str:
    """``singular`` or ``plural`` (by ``n`` and the language's plural rule) in language ``code``."""
    return lookup(code, singular, plural, n).format(n=n, **fields)


__all__ = ["Language", "LANGUAGES", "NUMBER_FONT", "language_of", "catalogue", "lookup", "translate",
           "translate_plural"]
