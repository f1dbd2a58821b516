"""The lecture-subclass example: its scenes run and show the core's numbers."""
import importlib.util
from pathlib import Path

import numpy as np

from manim_support import run
from convanim import conv2d
from test_conv_scene import checking

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lecture_subclass.py"


def load(name):
    spec = importlib.util.spec_from_file_location("lecture_subclass", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def test_edge_detector_finds_the_edge():
    scene = run(checking(load("EdgeDetector")))
    shown = scene.output_grids[0].shown_values()
    # By hand: windows over columns 0-2 see 0,0,0 -> 0; over 1-3: 3*(9-0) = 27; 2-4: 3*9 - 0 = 27; 3-5: 0.
    np.testing.assert_array_equal(shown, [[0, 27, 27, 0]] * 4)
    assert scene.palette.kernel == "#FB8C00"
    assert not scene.trace.has_bias


def test_strided_padded_example_equals_conv2d():
    scene = run(checking(load("StridedPaddedConv")))
    t = scene.trace
    final = np.stack([g.shown_values() for g in scene.output_grids])
    np.testing.assert_array_equal(final, conv2d(t.input, t.weight, t.bias, stride=2, padding=1))


def test_photo_lecture_example_shows_its_filters():
    scene = run(load("MyPhotoEdges"))
    assert [r["name"].text for r in scene.rows] == ["edge 3×3", "edge 7×7"]
    # By hand: 3 channels · 7·7 weights + 1 bias = 148 parameters for the second filter.
    assert scene.rows[1]["params"].text == "148 params"
    oy, ox = scene.zoom_pixel
    pixels = scene.photo.pixels.astype(int)
    # Vertical-edge kernel: right column minus left column of the 3×3 window, summed over R, G, B.
    window = pixels[oy:oy + 3, ox:ox + 3]
    assert scene.trace.output[0, oy, ox] == (window[:, 2] - window[:, 0]).sum()
    assert [g.shown_values().tolist() for g in scene.window_grids] == [window[:, :, c].tolist() for c in range(3)]
