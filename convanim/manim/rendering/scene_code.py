"""The PyTorch code of a scene, as ``convanim code FILE SCENE`` prints it: the scene is set up (its layer and
trace built, no frame drawn) and its family's :meth:`~convanim.manim.families.family_scene.FamilyScene.torch_code`
gives the lines and the arrays, written out as a runnable script."""
from __future__ import annotations

from convanim.torch_code import TorchCode


class NoTorchCode(LookupError):
    """The scene has no PyTorch code: every family has, but a network may hold a layer PyTorch's modules cannot
    write (an ONNX model's uneven padding)."""


def scene_torch_code(scene_file: str, scene: str, settings: list[str]) -> TorchCode:
    """The TorchCode of ``scene`` in ``scene_file`` with the options ``settings`` (``NAME=VALUE``).  One-line
    errors: FileNotFoundError, SceneNotFoundError, OptionError, NoTorchCode, or the scene's own ValueError."""
    from convanim.manim.render import check_scene

    scene_class, options = check_scene(scene_file, scene, settings)
    instance = type(scene, (scene_class,), options)(skip_animations=True)
    instance.setup()  # builds the layer and its trace; draws nothing
    code = instance.torch_code() if hasattr(instance, "torch_code") else None
    if code is None:
        raise NoTorchCode("no PyTorch code: a layer has an option PyTorch's modules cannot take (uneven "
                          "padding, as an ONNX model may carry)")
    return code


__all__ = ["NoTorchCode", "scene_torch_code"]
