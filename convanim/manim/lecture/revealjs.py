"""Make a manim-slides HTML deck self-contained: reveal.js inlined, no network needed to present it.

``manim-slides convert --one-file`` embeds the slides' videos in the HTML but
still loads reveal.js's scripts and style sheets from a CDN, so the deck is
blank in a lecture room without internet.  ``inline_revealjs(html)`` replaces
those links with the files themselves, taken from reveal.js's package on the
npm registry (one download, checked against the registry's SHA-512 and kept
in the user's cache folder; ``REVEALJS_VERSION`` is the version manim-slides
5.7.0's template is written for).
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import re
from html import escape as html_escape
import tarfile
import tempfile
import urllib.request
from pathlib import Path

REVEALJS_VERSION = "6.0.1"
REVEALJS_TARBALL = f"https://registry.npmjs.org/reveal.js/-/reveal.js-{REVEALJS_VERSION}.tgz"
# The "integrity" field of https://registry.npmjs.org/reveal.js/6.0.1 (base64 of the tarball's SHA-512).
REVEALJS_SHA512 = "9eacArNIgqO2HGWOK+93gJNn+gvdGDVbSq+i2u3Ja9kjiHps0XNLpgYTZTYjKRH91uXy3clGimeGiw4umHG/tg=="
CDN_URL = re.compile(r'https://[^"\']*reveal\.js[@/]' + re.escape(REVEALJS_VERSION) + r"/")


class RevealJsUnavailable(RuntimeError):
    """reveal.js could not be fetched or did not match its published checksum."""


def cache_folder() -> Path:
    """Where the reveal.js tarball is kept: ``$XDG_CACHE_HOME/convanim`` (default ``~/.cache/convanim``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "convanim"


def tarball_path() -> Path:
    return cache_folder() / f"reveal.js-{REVEALJS_VERSION}.tgz"


def checked(data: bytes, origin: str) -> bytes:
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != REVEALJS_SHA512:
        raise RevealJsUnavailable(f"{origin} is not reveal.js {REVEALJS_VERSION}: its SHA-512 is {digest}, "
                                  f"the npm registry publishes {REVEALJS_SHA512}")
    return data


def revealjs_tarball(timeout: float = 30.0) -> bytes:
    """reveal.js's npm package (bytes of the .tgz), from the cache or downloaded once into it."""
    path = tarball_path()
    if path.is_file():
        return checked(path.read_bytes(), str(path))
    try:
        with urllib.request.urlopen(REVEALJS_TARBALL, timeout=timeout) as response:
            data = checked(response.read(), REVEALJS_TARBALL)
    except OSError as error:
        raise RevealJsUnavailable(f"cannot download {REVEALJS_TARBALL} ({error}); with the file at hand, "
                                  f"put it at {path}") from error
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as partial:
        partial.write(data)
    Path(partial.name).replace(path)  # whole or not at all, even with two renders at once
    return data


def revealjs_files(names: set[str]) -> dict[str, str]:
    """The text of each of ``names`` (paths inside the package, e.g. ``dist/reveal.js``)."""
    found = {}
    with tarfile.open(fileobj=io.BytesIO(revealjs_tarball()), mode="r:gz") as archive:
        for name in names:
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise RevealJsUnavailable(f"reveal.js {REVEALJS_VERSION} has no file {name}")
            found[name] = member.read().decode("utf-8")
    return found


LINK = re.compile(r'<link\b[^>]*\bhref="(?P<url>[^"]+)"[^>]*>')
SCRIPT = re.compile(r'<script\b[^>]*\bsrc="(?P<url>[^"]+)"[^>]*>\s*</script>')


def inline_revealjs(html: str) -> str:
    """``html`` with every reveal.js ``<link>`` and ``<script src>`` of the CDN replaced by the file's text.

    Raises RevealJsUnavailable when the package cannot be had, and ValueError
    when a file would end its own tag early (a ``</style>`` or ``</script>`` inside).
    """
    wanted = {CDN_URL.sub("", m["url"]) for pattern in (LINK, SCRIPT) for m in pattern.finditer(html)
              if CDN_URL.match(m["url"])}
    texts = revealjs_files(wanted)

    def replace(match: re.Match, tag: str) -> str:
        if not CDN_URL.match(match["url"]):
            return match[0]
        text = texts[CDN_URL.sub("", match["url"])]
        if f"</{tag}" in text.lower():
            raise ValueError(f"{match['url']} contains </{tag}> and cannot be inlined")
        return f"<{tag}>\n{text}\n</{tag}>"

    html = LINK.sub(lambda m: replace(m, "style"), html)
    return SCRIPT.sub(lambda m: replace(m, "script"), html)


def make_self_contained(path: Path) -> None:
    """Rewrite the HTML deck at ``path`` with reveal.js inlined (written whole, then moved into place)."""
    html = inline_revealjs(path.read_text(encoding="utf-8"))
    partial = path.with_suffix(".part")
    partial.write_text(html, encoding="utf-8")
    partial.replace(path)


#: A slide of the deck manim-slides writes: a section whose background is the slide's video.
VIDEO_SLIDE = re.compile(r"<section\s+data-background-size.*?</section>", re.S)


def add_page_slide(path: Path, src: str, title: str) -> None:
    """Add a slide after the video slides of the deck at ``path``: the page at ``src`` (relative to the deck) in
    an iframe filling the slide (the explorable page, ``convanim slides --explore``).  Written whole, then moved
    into place; ValueError when the deck has no video slide to follow."""
    html = path.read_text(encoding="utf-8")
    slides = list(VIDEO_SLIDE.finditer(html))
    if not slides:
        raise ValueError(f"{path}: no video slide found to add the page after")
    end = slides[-1].end()
    slide = (f'\n<section data-explorable="{html_escape(src)}">'
             f'<iframe src="{html_escape(src)}" title="{html_escape(title)}" '
             'style="width:100%;height:100vh;border:0;background:#111"></iframe></section>')
    partial = path.with_suffix(".part")
    partial.write_text(html[:end] + slide + html[end:], encoding="utf-8")
    partial.replace(path)


__all__ = ["REVEALJS_VERSION", "RevealJsUnavailable", "add_page_slide", "inline_revealjs", "make_self_contained",
           "cache_folder"]
