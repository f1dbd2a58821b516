"""The docs' generated parts, so that none can go stale or leave a name out.

Each writes MyST Markdown that the page's own parser reads.

- ``convanim-api MODULE``: an autodoc entry for every name MODULE exports (``__all__``), classes, functions and
  data alike: ``convanim`` (the core) and ``convanim.manim`` (the rendering layer).
- ``convanim-gallery SCENE_FILE``: every scene of a gallery file (``scenes/pooling.py``) in its order
  (``SCENES_IN_ORDER``, then the others): its name, its last frame from ``media/gallery/``, its docstring and
  the command that renders it.  A scene without a still is a build warning (an error under ``-W``).  A scene
  ``convanim explore`` covers (the conv layer and pooling families) gets its explorable page, written into the
  site's ``explore/<Scene>/index.html``, and a link to it.
- ``convanim-options``: the declared options of every family base that ``convanim.manim`` exports (what
  ``--set`` takes and ``convanim list --options`` prints), with value, description and rule.
"""
from __future__ import annotations

import inspect
import sys
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

ROOT = Path(__file__).resolve().parents[2]
logger = logging.getLogger(__name__)


def import_rendering_layer():
    """``convanim.manim`` with manimlib importable: manimlib reads ``sys.argv`` on import, so it is set first."""
    argv, sys.argv = sys.argv, ["manimgl"]
    try:
        import convanim.manim._gl  # noqa: F401
        import convanim.manim

        return convanim.manim
    finally:
        sys.argv = argv


class GeneratedDirective(SphinxDirective):
    """A directive whose content is MyST Markdown made at build time (the pages are MyST, and so is their parser)."""

    def parse(self, lines: list[str]) -> list[nodes.Node]:
        container = nodes.container()
        source = self.get_source_info()[0]
        nested_parse_with_titles(self.state, StringList(lines, source=source), container)
        return container.children


class ApiDirective(GeneratedDirective):
    required_arguments = 1

    def run(self):
        import importlib

        module_name = self.arguments[0]
        if module_name == "convanim.manim":
            import_rendering_layer()
        module = importlib.import_module(module_name)
        # autodoc writes reStructuredText (the docstrings are written in it): read it in an eval-rst block
        lines: list[str] = ["```{eval-rst}"]
        for name in module.__all__:
            value = getattr(module, name)
            target = f"{module_name}.{name}"
            if inspect.isclass(value):
                scene_like = any(base.__name__ == "Scene" for base in value.__mro__)
                # a scene's members are its story's steps and manimgl's own: its docstring and options say more
                lines += [f".. autoclass:: {target}", *([] if scene_like else ["   :members:"])]
            elif callable(value):
                lines.append(f".. autofunction:: {target}")
            else:
                lines += [f".. autodata:: {target}", "   :no-value:"]
            lines.append("")
        lines.append("```")
        return self.parse(lines)


class GalleryDirective(GeneratedDirective):
    required_arguments = 1

    def run(self):
        from convanim.manim.rendering.scene_files import load_scene_module, scene_classes, scene_description

        import_rendering_layer()
        scene_file = self.arguments[0]
        path = ROOT / scene_file
        self.env.note_dependency(str(path))
        module = load_scene_module(str(path), f"convanim_docs_{path.stem}")
        lines: list[str] = []
        for name, cls in scene_classes(module).items():
            still = ROOT / "media" / "gallery" / f"{name}.png"
            if not still.is_file():
                logger.warning(f"{scene_file} {name}: no still media/gallery/{name}.png (make media makes it)",
                               location=self.get_location())
            doc = inspect.cleandoc(cls.__doc__ or "") or scene_description(cls)
            lines += [f"```{{rubric}} {name}", f":name: scene-{name.lower()}", "```", "",
                      f"```{{image}} /../media/gallery/{name}.png", f":alt: the last frame of {name}", ":width: 480px",
                      "```", "", *doc.splitlines(), "",
                      "```sh", f"convanim render {path.stem} {name}          # or: manimgl {scene_file} {name}", "```",
                      "", *self.explorable(path, name)]
        return self.parse(lines)

    def explorable(self, path: Path, name: str) -> list[str]:
        """The scene's explorable page written into the site, and the lines linking it (none when its family has
        no page)."""
        from convanim.manim.lecture.explorable import NotExplorable, scene_page_data
        from convanim.manim.lecture.explorable_page import write_page

        try:
            data = scene_page_data(str(path), name, [])
        except NotExplorable:
            return []
        write_page(data, Path(self.env.app.outdir) / "explore" / name)
        return [f'<p class="explore"><a href="../explore/{name}/index.html">Explore {name} in your browser</a>: '
                "point at an output cell for its sum, at a weight for the input cells it multiplies "
                f"(<code>convanim explore {path.stem} {name}</code>).</p>", ""]


class OptionsDirective(GeneratedDirective):
    def run(self):
        from convanim.manim.options.options import describe_options

        manim = import_rendering_layer()
        lines: list[str] = []
        for name in manim.__all__:
            value = getattr(manim, name)
            if not (inspect.isclass(value) and issubclass(value, manim.FamilyScene)) or value is manim.FamilyScene:
                continue
            lines += [f"```{{rubric}} {name}", f":name: options-{name.lower()}", "```", "",
                      "| option | default | what it does; what it takes |", "|---|---|---|"]
            for option, default, rule, help in describe_options(value):
                shown = default if len(default) <= 40 else default[:37] + "..."
                lines.append(f"| `{option}` | {code_cell(shown)} | {escape(help)}; {escape(rule)} |")
            lines.append("")
        return self.parse(lines)


def code_cell(text: str) -> str:
    """``text`` as code in a Markdown table cell: one line, its pipes escaped (GFM tables read them first)."""
    return "``" + " ".join(text.split()).replace("|", "\\|") + "``"


def escape(text: str) -> str:
    """Plain text in a Markdown table cell: one line, the characters that start markup taken literally."""
    text = " ".join(text.split())
    for mark in ("\\", "*", "`", "|", "_", "<", "["):
        text = text.replace(mark, "\\" + mark)
    return text


def setup(app):
    app.add_directive("convanim-api", ApiDirective)
    app.add_directive("convanim-gallery", GalleryDirective)
    app.add_directive("convanim-options", OptionsDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
