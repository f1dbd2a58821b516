"""Make the stills, the gallery and the GIFs shown in the README and the docs (run by `make media`).

    python media/make_media.py

Stills are captured in-process at chosen stages of the scene (animations
skipped, one frame drawn) and saved at 960 px wide; the GIF is cut from a
480p render with ffmpeg (12 fps, one palette).
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MEDIA = ROOT / "media"
STILL_WIDTH = 960


def load(scene_file: str, name: str):
    spec = importlib.util.spec_from_file_location(Path(scene_file).stem, ROOT / scene_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def capture_stills(scene_file: str, name: str, wanted: dict[tuple[str, int], str]) -> None:
    """Save a frame after stage ``stage`` of the ``n``-th step, for each ((stage, n), file) in ``wanted``."""
    base = load(scene_file, name)

    class Capturing(base):
        def after_stage(self, stage, step):
            n = self.steps_shown
            if (stage, n) in wanted:
                save_frame(self, wanted[(stage, n)])

    scene = Capturing(skip_animations=True)
    scene.run()
    if ("end", -1) in wanted:
        save_frame(scene, wanted[("end", -1)])


def save_frame(scene, file_name: str) -> None:
    scene.update_frame(force_draw=True)
    image = scene.get_image()
    image = image.resize((STILL_WIDTH, round(image.height * STILL_WIDTH / image.width)))
    image.save(MEDIA / file_name, optimize=True)
    print(f"wrote media/{file_name}")


def capture_languages() -> None:
    """Conv3x3 in each language, as channel 1 joins y[0,0,0]'s running sum (media/languages/)."""
    from convanim.languages import LANGUAGES

    base = load("scenes/conv3x3.py", "Conv3x3")
    (MEDIA / "languages").mkdir(exist_ok=True)
    for code in LANGUAGES:
        class Capturing(base):
            language = code

            def after_stage(self, stage, step):
                if (stage, self.steps_shown) == ("output", 1):
                    save_frame(self, f"languages/conv3x3_{code}.png")

        Capturing(skip_animations=True).run()


def capture_feature_rows() -> None:
    """The feature-map scene with every filter's row on screen (just before the zoom)."""
    base = load("scenes/feature_maps.py", "FeatureMaps")

    class Capturing(base):
        def zoom_to_window(self):
            save_frame(self, "feature_maps_rows.png")
            super().zoom_to_window()

    Capturing(skip_animations=True).run()


def capture_pool_backward() -> None:
    """MaxPoolBackward as its last window sends x[2,3] its second gradient."""
    base = load("scenes/backward.py", "MaxPoolBackward")

    class Capturing(base):
        def after_window(self, step):
            if (step.oy, step.ox) == (1, 1):
                save_frame(self, "max_pool_backward.png")

    Capturing(skip_animations=True).run()


def capture_receptive_field() -> None:
    """ReceptiveField when the trace has reached the input: every stage's cells framed."""
    base = load("scenes/receptive_field.py", "ReceptiveField")

    class Capturing(base):
        def after_box(self, j):
            if j == 0:
                save_frame(self, "receptive_field_traced.png")

    Capturing(skip_animations=True).run()


def capture_folding() -> None:
    """BatchNormFolding once the batch norm has given y: x, W and b, z, each channel's μ, σ², γ, β, and y."""
    base = load("scenes/batch_norm.py", "BatchNormFolding")

    class Capturing(base):
        def apply_batch_norm(self):
            super().apply_batch_norm()
            save_frame(self, "batch_norm_folding.png")

    Capturing(skip_animations=True).run()


def capture_code_card() -> None:
    """Conv3x3's closing card: the PyTorch lines of the layer it showed."""
    scene = load("scenes/conv3x3.py", "Conv3x3")(skip_animations=True)
    scene.run()
    save_frame(scene, "code_card.png")


def capture_volume() -> None:
    """ConvVolume as filter 0's block reaches its second window (output y[0,0,1])."""
    base = load("scenes/volumes.py", "ConvVolume")

    class Capturing(base):
        def after_position(self, f, oy, ox):
            if (f, oy, ox) == (0, 0, 1):
                save_frame(self, "conv_volume.png")

    Capturing(skip_animations=True).run()


#: Every scene file of the gallery (the files of scenes/, as `convanim list` finds them).
GALLERY_FILES = sorted(f"scenes/{p.name}" for p in (ROOT / "scenes").glob("[!_]*.py"))
#: Scenes with photos and maps keep more colours than the flat-coloured grids.
PHOTO_FILES = {"scenes/feature_maps.py", "scenes/pipeline.py", "scenes/trained.py", "scenes/receptive_field.py"}
GALLERY_WIDTH = 480


def gallery() -> None:
    """The last frame of every scene of GALLERY_FILES, into media/gallery/<Scene>.png (the docs' family pages show
    them beside each scene's description).

    Each scene file runs in a process of its own: manimgl keeps a full-frame
    fill texture alive for every scene a process has drawn, and after some
    thirty scenes the renderer starts drawing frames without their fills.
    """
    for scene_file in GALLERY_FILES:
        out = subprocess.run([sys.executable, __file__, "--gallery-file", scene_file], check=True, cwd=ROOT,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("wrote "):
                print(line)


def gallery_file(scene_file: str) -> None:
    """Render the last frame of each scene of one file (in this process); print ``wrote PATH`` for each."""
    from convanim.manim.rendering.scene_files import load_scene_module, scene_classes

    for scene_class in scene_classes(load_scene_module(str(ROOT / scene_file), Path(scene_file).stem)).values():
        # the layer's last frame, not the closing code card (the family pages show the code apart)
        scene = type(scene_class.__name__, (scene_class,), {"show_code": False})(skip_animations=True)
        scene.run()
        scene.update_frame(force_draw=True)
        image = scene.get_image()
        image = image.resize((GALLERY_WIDTH, round(image.height * GALLERY_WIDTH / image.width)))
        name = f"gallery/{scene_class.__name__}.png"
        (MEDIA / "gallery").mkdir(exist_ok=True)
        image.quantize(256 if scene_file in PHOTO_FILES else 64).save(MEDIA / name, optimize=True)
        print(f"wrote media/{name}", flush=True)


def make_gif(scene_file: str, name: str, start: float, seconds: float, out: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        video = Path(folder, "video.mp4")
        subprocess.run([sys.executable, "-m", "convanim.manim.render", scene_file, name, "--quality", "480p",
                        "--out", str(video)], check=True, cwd=ROOT)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", str(start), "-t", str(seconds), "-i", str(video),
                        "-vf", "fps=12,scale=640:-1:flags=lanczos,split[a][b];[a]palettegen=max_colors=64[p];"
                        "[b][p]paletteuse=dither=none", str(MEDIA / out)], check=True)
    print(f"wrote media/{out}")


def narrated_still(out: str = "narrated_lecture.png") -> None:
    """A frame of Conv3x3 narrated with the draft voice, at its first detailed step, with that step's English
    subtitle drawn in a band under the picture (ffmpeg's subtitles filter, from the render's own .srt); players draw
    it over the picture."""
    from convanim.narration import read_webvtt

    with tempfile.TemporaryDirectory() as folder:
        video = Path(folder, "lecture.mp4")
        subprocess.run([sys.executable, "-m", "convanim.manim.render", "scenes/conv3x3.py", "Conv3x3", "--quality",
                        "480p", "--out", str(video), "--set", "narration=tts"], check=True, cwd=ROOT)
        cue = next(c for c in read_webvtt(Path(folder, "lecture.en.vtt")) if c.id == "y0-0-0-channel-0")
        at = cue.start + 0.8 * (cue.end - cue.start)
        style = "FontName=DejaVu Sans,FontSize=11,Outline=0,Alignment=2,MarginV=4"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(video), "-vf",
                        f"pad=iw:ih+56:0:0,subtitles={Path(folder, 'lecture.en.srt')}:force_style='{style}',"
                        f"select=gte(t\\,{at:.3f}),"
                        f"scale={STILL_WIDTH}:-1:flags=lanczos", "-frames:v", "1", str(MEDIA / out)], check=True)
    print(f"wrote media/{out}")


def model_still(out: str = "your_model.png") -> None:
    """`convanim model` on the shipped digit CNN written out as an ONNX model (onnx.helper, from its numpy weights)
    and a held-out handwritten digit as a PNG: what a lecturer's own model looks like through the command."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from PIL import Image

    from convanim import handwritten_digits, trained_digit_cnn

    net = trained_digit_cnn()
    weights = {"w": net.conv_weight, "b": net.conv_bias, "lw": net.linear_weight, "lb": net.linear_bias}
    nodes = [helper.make_node("Conv", ["image", "w", "b"], ["conv"], kernel_shape=[3, 3], name="conv"),
             helper.make_node("Relu", ["conv"], ["relu"], name="relu"),
             helper.make_node("MaxPool", ["relu"], ["pool"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
             helper.make_node("Flatten", ["pool"], ["flat"], name="flatten"),
             helper.make_node("Gemm", ["flat", "lw", "lb"], ["scores"], transB=1, name="linear"),
             helper.make_node("Softmax", ["scores"], ["probabilities"], axis=-1, name="softmax")]
    graph = helper.make_graph(nodes, "digit_cnn", [helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                                                                 [1, 1, 8, 8])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 10])],
                              [numpy_helper.from_array(v.astype(np.float32), k) for k, v in weights.items()])
    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder, "digit_cnn.onnx")
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), model)
        digit = handwritten_digits().held_out_images[0]  # grey levels 0..16
        Image.fromarray(np.rint(digit * 255 / 16).astype(np.uint8)).save(Path(folder, "digit.png"))
        subprocess.run([sys.executable, "-m", "convanim.manim.cli", "model", str(model), "--image",
                        str(Path(folder, "digit.png")), "--scale", "0..16", "--still", "--quality", "720p",
                        "--out", str(MEDIA / out)], check=True, cwd=ROOT)
    print(f"wrote media/{out}")


def main() -> None:
    gallery_only = sys.argv[1:2] == ["--gallery-file"]
    target = sys.argv[2] if gallery_only else None
    sys.argv = ["manimgl"]  # manimlib reads argv on import
    import convanim.manim._gl  # noqa: F401

    if gallery_only:
        gallery_file(target)
        return

    capture_stills("scenes/conv3x3.py", "Conv3x3", {
        ("products", 0): "conv3x3_products.png",
        ("sum", 0): "conv3x3_sum.png",
        ("output", 1): "conv3x3_running.png",
        ("end", -1): "conv3x3_result.png",
    })
    capture_stills("scenes/conv3x3.py", "MnistSizedConv", {("products", 1): "mnist_products.png"})
    capture_stills("scenes/trained.py", "TrainedFirstLayer", {("products", 1): "trained_first_layer_products.png"})
    capture_languages()
    capture_feature_rows()
    capture_pool_backward()
    capture_receptive_field()
    capture_volume()
    capture_folding()
    capture_code_card()
    gallery()
    model_still()
    narrated_still()
    make_gif("scenes/conv3x3.py", "Conv3x3", start=3.0, seconds=9.0, out="conv3x3.gif")
    make_gif("scenes/pooling.py", "MaxPoolPadded", start=2.0, seconds=6.0, out="maxpool_padded.gif")
    make_gif("scenes/transposed.py", "StridesScatter", start=1.0, seconds=6.0, out="transposed_scatter.gif")
    make_gif("scenes/im2col.py", "Im2Col", start=2.5, seconds=8.0, out="im2col.gif")
    make_gif("scenes/im2col.py", "Im2ColLoopOrders", start=1.0, seconds=8.0, out="im2col_loop_orders.gif")
    make_gif("scenes/feature_maps.py", "FeatureMaps", start=13.0, seconds=8.0, out="feature_maps_zoom.gif")
    make_gif("scenes/backward.py", "ConvBackward", start=21.0, seconds=8.0, out="conv_backward_scatter.gif")
    make_gif("scenes/backward.py", "ConvBackwardAsConvolution", start=1.5, seconds=9.0,
             out="conv_backward_as_convolution.gif")
    make_gif("scenes/trained.py", "LearnedFilters", start=0.5, seconds=13.0, out="learned_filters.gif")


if __name__ == "__main__":
    main()
