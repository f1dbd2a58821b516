"""``OUT/index.html``: every video of a course with its still, by language and quality (no script, no network).

Each video is a ``<figure class="video" data-video="th/480p/Conv3x3.mp4">`` holding a link to the video around
its still and the video's name (and, for a narrated video, links to its subtitle files,
``<a class="subtitles" hreflang="th">``); a job whose video is missing (it failed) is listed as such, without a still.
"""
from __future__ import annotations

import html
import os
from pathlib import Path

from convanim.languages import LANGUAGES
from convanim.manim.course.course_file import Course
from convanim.manim.course.jobs import Job, read_manifest

STYLE = """body{font-family:sans-serif;background:#121212;color:#e0e0e0;margin:2em}
h2{margin-top:1.5em}section.quality{display:flex;flex-wrap:wrap;gap:1em}
figure{margin:0;width:280px}figure img{width:100%;border:1px solid #424242}
figcaption{font-size:0.9em;margin-top:0.3em}.missing{color:#ef9a9a}a{color:#90caf9}"""


def subtitle_links(course: Course, job: Job) -> str:
    """Links to the video's WebVTT subtitle files, each named by its language code (none for a silent video)."""
    links = []
    for path in (read_manifest(job) or {}).get("subtitles", []):
        path = Path(path)
        if path.suffix == ".vtt" and path.is_file():
            code = path.suffixes[-2].lstrip(".") if len(path.suffixes) > 1 else "?"
            href = html.escape(os.path.relpath(path, course.output))
            links.append(f'<a class="subtitles" hreflang="{html.escape(code)}" href="{href}">{html.escape(code)}</a>')
    return f' <span class="tracks">subtitles: {" ".join(links)}</span>' if links else ""


def write_index(course: Course, jobs: list[Job]) -> Path:
    """Write ``course.output/index.html`` for ``jobs`` (written whole, then renamed); returns its path."""
    out = course.output / "index.html"
    title = html.escape(course.path.stem)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{title}</title>",
             f"<style>{STYLE}</style></head><body>", f"<h1>{title}</h1>"]
    for language in course.languages:
        parts.append(f'<h2 lang="{language}">{html.escape(LANGUAGES[language].name)} ({language})</h2>')
        for quality in course.qualities:
            parts.append(f'<h3>{quality}</h3><section class="quality" data-language="{language}" '
                         f'data-quality="{quality}">')
            for job in (j for j in jobs if j.language == language and j.quality == quality):
                video = os.path.relpath(job.video, course.output)
                label = html.escape(job.name)
                if Path(job.video).is_file() and Path(job.still).is_file():
                    still = os.path.relpath(job.still, course.output)
                    parts.append(f'<figure class="video" data-video="{html.escape(video)}">'
                                 f'<a href="{html.escape(video)}"><img src="{html.escape(still)}" alt="{label}">'
                                 f'</a><figcaption>{label}{subtitle_links(course, job)}</figcaption></figure>')
                else:
                    parts.append(f'<figure class="video missing" data-video="{html.escape(video)}">'
                                 f'<figcaption>{label}: not built (see the build\'s report)</figcaption></figure>')
            parts.append("</section>")
    parts.append("</body></html>")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name("index.html.part")
    partial.write_text("\n".join(parts) + "\n", encoding="utf-8")
    partial.replace(out)
    return out


__all__ = ["write_index"]
