"""Pictures: the cat photo with and without scikit-image, files, generated pictures, digits, bad input."""
import sys

import numpy as np
import pytest

from convanim import cat_photo, digit_image, generated_picture, photo_channels, read_photo
from convanim.inputs.photo import NO_SKIMAGE


def test_cat_photo_with_scikit_image():
    from skimage import data as skimage_data  # the test extra installs scikit-image
    photo = cat_photo()
    assert photo.pixels.shape == (300, 451, 3) and photo.pixels.dtype == np.uint8
    np.testing.assert_array_equal(photo.pixels, skimage_data.chelsea())
    assert photo.note == ""


def test_cat_photo_without_scikit_image(monkeypatch):
    monkeypatch.setitem(sys.modules, "skimage", None)  # import skimage now raises ImportError
    with pytest.warns(UserWarning, match=r'pip install "convanim\[photo\]"'):
        photo = cat_photo()
    assert photo.pixels.shape == (300, 451, 3)
    assert photo.note == NO_SKIMAGE and photo.name == "generated picture"
    with pytest.raises(ImportError, match="scikit-image is not installed"):
        cat_photo(fallback=False)


def test_generated_picture_is_deterministic_and_has_edges():
    a, b = generated_picture(60, 90), generated_picture(60, 90)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (60, 90, 3) and a.dtype == np.uint8
    assert not np.array_equal(a, generated_picture(60, 90, seed=1))
    horizontal_change = np.abs(np.diff(a.astype(int), axis=1)).max()
    assert horizontal_change > 100  # the striped box gives strong vertical edges


def test_photo_channels_layouts_and_errors():
    rgb = np.arange(24).reshape(2, 4, 3)
    chw = photo_channels(rgb)
    assert chw.shape == (3, 2, 4)
    np.testing.assert_array_equal(chw[1], rgb[:, :, 1])
    assert photo_channels(np.zeros((5, 6))).shape == (1, 5, 6)
    with pytest.raises(ValueError, match=r"H×W×3 .* got shape \(3, 8, 8\); it looks channels-first"):
        photo_channels(np.zeros((3, 8, 8)))
    with pytest.raises(ValueError, match=r"got shape \(8, 8, 4\); drop the alpha channel"):
        photo_channels(np.zeros((8, 8, 4)))
    with pytest.raises(ValueError, match=r"got shape \(8,\)"):
        photo_channels(np.zeros(8))


def test_read_photo_round_trip_and_bad_files(tmp_path):
    from PIL import Image

    pixels = generated_picture(20, 30)
    Image.fromarray(pixels).save(tmp_path / "p.png")
    photo = read_photo(tmp_path / "p.png")
    np.testing.assert_array_equal(photo.pixels, pixels)
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.raises(ValueError, match=r"notes.txt is not an image Pillow can read"):
        read_photo(tmp_path / "notes.txt")
    with pytest.raises(FileNotFoundError, match="missing.png"):
        read_photo(tmp_path / "missing.png")


def test_digit_images():
    seven = digit_image(7)
    assert seven.shape == (28, 28) and seven.dtype == np.uint8
    assert seven.max() == 255 and seven[0].max() < 255 and seven[:, 0].max() == 0  # margins like MNIST
    # A 7 has ink along its top bar and none in its bottom-left corner.
    assert seven[3, 8:20].min() > 200 and seven[20:, :6].max() == 0
    assert not np.array_equal(digit_image(1), digit_image(7))
    assert digit_image(3, size=8).shape == (8, 8)
    with pytest.raises(ValueError, match="digit must be an int from 0 to 9"):
        digit_image(12)
