"""The scene file ``convanim model`` renders: the model and the picture come in through ``--set``."""
from convanim.manim import OnnxModelScene


class YourModel(OnnxModelScene):
    """Your own network from an ONNX model, stage by stage, on a picture."""
