"""The fonts a scene's language needs, checked before anything is drawn.

fontconfig never says a font is missing: it substitutes another one, which
for Thai or Chinese text draws boxes (tofu).  ``require_fonts`` asks Pango
(through ManimPango) which families it has and stops with the Debian
package to install instead.
"""
from __future__ import annotations

import functools

from convanim.languages import Language


class FontMissingError(RuntimeError):
    """A font family of the scene's language is not installed."""


@functools.lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    import manimpango

    return frozenset(manimpango.list_fonts())


def missing_fonts(language: Language) -> list[tuple[str, str]]:
    """(family, Debian package) for each of ``language``'s fonts that Pango cannot find."""
    have = installed_families()
    return [(family, package) for family, package in zip(language.fonts, language.packages) if family not in have]


def require_fonts(language: Language) -> None:
    """FontMissingError naming the packages to install when one of ``language``'s fonts is missing."""
    missing = missing_fonts(language)
    if missing:
        families = ", ".join(f"'{family}'" for family, _ in missing)
        packages = " ".join(dict.fromkeys(package for _, package in missing))
        raise FontMissingError(f"language={language.code!r} ({language.name}) needs the font {families}, which is not "
                               f"installed: apt-get install {packages} (make demo installs it)")


__all__ = ["FontMissingError", "require_fonts", "missing_fonts"]
