"""``convanim explore FILE SCENE``: a scene's layer as a page to explore in a browser, from the scene's own trace.

The scene is set up as for its video (options checked, trace built, no frame
drawn); its family's data (:mod:`convanim.manim.lecture.explorable_data`)
goes into one self-contained page (:mod:`convanim.manim.lecture.explorable_page`).
"""
from __future__ import annotations

from pathlib import Path


class NotExplorable(LookupError):
    """The scene's family has no explorable page (the conv layer and pooling families have)."""


def scene_page_data(scene_file: str, scene: str, settings: list[str]) -> dict:
    """The page data of ``scene`` in ``scene_file`` with the options ``settings`` (``NAME=VALUE``).  One-line
    errors: FileNotFoundError, SceneNotFoundError, OptionError, NotExplorable, or the scene's own ValueError."""
    from convanim.manim.render import check_scene

    scene_class, options = check_scene(scene_file, scene, settings)  # imports manimlib with a neutral command line
    from convanim.manim.lecture.explorable_data import conv_page_data, pool_page_data
    from convanim.manim.families.conv_scene import ConvLayerScene
    from convanim.manim.families.pool_scene import PoolingScene

    if not issubclass(scene_class, (ConvLayerScene, PoolingScene)):
        raise NotExplorable("the explorable page covers the conv layer scenes (Conv3x3 and any "
                            "ConvLayerScene) and the pooling scenes")
    instance = type(scene, (scene_class,), options)(skip_animations=True)
    instance.apply_language()
    instance.setup()  # builds the layer and its trace; draws nothing
    if getattr(instance.trace, "depth", None) is not None:
        raise NotExplorable("the explorable page shows 2-D and 1-D layers; this one is 3-D")
    return conv_page_data(instance) if isinstance(instance, ConvLayerScene) else pool_page_data(instance)


def write_explorable(scene_file: str, scene: str, settings: list[str], out: str | Path) -> Path:
    """Write ``out/index.html`` for ``scene``; returns its path.  Nothing is written when the scene fails."""
    from convanim.manim.lecture.explorable_page import write_page

    return write_page(scene_page_data(scene_file, scene, settings), out)


__all__ = ["NotExplorable", "scene_page_data", "write_explorable"]
