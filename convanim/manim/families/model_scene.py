"""OnnxModelScene: your own network, read from an ONNX model, run on a picture and drawn stage by stage.

The pipeline scene's story (each stage a column of maps, numbers where they fit, shades where they do not,
class scores and probabilities at the end) on the layers of :func:`convanim.from_onnx` and the picture of
:func:`convanim.inputs.model_input.picture_for_model`.  ``convanim model MODEL.onnx --image PICTURE`` renders it.
Every map comes from :func:`convanim.run_pipeline`; the scene computes nothing.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)

from convanim import from_onnx, onnx_input_shape
from convanim.inputs.model_input import picture_for_model
from convanim.inputs.photo import read_photo
from convanim.manim.families.pipeline_scene import PipelineScene
from convanim.manim.mobjects.numbers import format_shape
from convanim.manim.options.option_kinds import FreeText, Numbers, Values
from convanim.manim.options.options import Option
from convanim.networks.pipeline import Layer


class OnnxModelScene(PipelineScene):
    """Your own network from an ONNX model, stage by stage, on a picture.

    ``model``: the ONNX file; ``image``: the picture (empty: a drawn digit for one input channel, the cat for
    three), resized to the model's input size; ``value_range``, ``input_mean`` and ``input_std``: how the
    picture's 0..255 levels become the numbers the model was trained on.
    """

    model: str = Option("", FreeText("the path of an ONNX model file"), "the network")
    image: str = Option("", FreeText("the path of a picture, or empty for a drawn digit or the cat"),
                        "the picture the network reads")
    value_range: tuple[float, float] = Option((0.0, 1.0), Numbers(2, "two numbers low,high such as 0,1 or -1,1"),
                                              "the range the picture's 0..255 levels are mapped onto")
    input_mean: np.ndarray = Option(np.array([0.0]), Values(1, "one number or one per channel, such as [0.5]"),
                                    "subtracted from each channel after the mapping")
    input_std: np.ndarray = Option(np.array([1.0]), Values(1, "one number or one per channel, such as [0.25]"),
                                   "each channel is divided by it after the mean is subtracted")

    def setup(self) -> None:
        if not self.model:
            raise ValueError(f"{type(self).__name__}.model is empty: give the path of an ONNX model "
                             f"(convanim model MODEL.onnx)")
        if self.image and not Path(self.image).is_file():
            raise FileNotFoundError(f"{type(self).__name__}.image = {self.image!r}: picture file not found")
        super().setup()

    def model_input_shape(self) -> tuple[int, int, int]:
        """(C, H, W) the model takes; where the model leaves the size open, the picture's own size."""
        c, h, w = onnx_input_shape(self.model)
        if h is None or w is None:
            if not self.image:
                shown = "×".join("?" if v is None else str(v) for v in (c, h, w))
                raise ValueError(f"{self.model}: the model's input size is open ({shown}); give a picture (--image) "
                                 f"whose size it takes")
            pixels = read_photo(self.image).pixels
            h, w = h or pixels.shape[0], w or pixels.shape[1]
        if c is None:
            raise ValueError(f"{self.model}: the model leaves its number of input channels open")
        return c, h, w

    def get_input(self) -> np.ndarray:
        return picture_for_model(self.image or None, self.model_input_shape(), self.value_range,
                                 tuple(np.ravel(self.input_mean)), tuple(np.ravel(self.input_std)))

    def get_layers(self) -> list[Layer]:
        return from_onnx(self.model, self.model_input_shape())

    def input_caption(self) -> str:
        picture = Path(self.image).name if self.image else self.tr("the project's picture")
        return self.tr("input: {picture} as {shape} numbers", picture=picture,
                       shape=format_shape(self.stages[0].shape))


__all__ = ["OnnxModelScene"]
