"""Pictures to convolve: the cat photo, a photo file, a generated picture, a hand-made digit.

Everything returns plain numpy arrays; optional libraries are imported only
when asked for, with a message naming the extra to install:

- :func:`cat_photo` -- scikit-image's bundled ``data.chelsea()`` (300×451×3,
  ``pip install "convanim[photo]"``), or a generated picture with a warning
  when scikit-image is missing;
- :func:`read_photo` -- any image file Pillow reads (Pillow comes with manimgl);
- :func:`generated_picture` -- a deterministic H×W×3 picture with edges,
  gradients and texture, needing nothing;
- :func:`digit_image` -- a 28×28 (or any size) greyscale digit drawn from strokes.

:func:`photo_channels` checks a picture (H×W×3 or H×W) and turns it into
the (C, H, W) layout the convolution functions take.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..arguments import as_numeric_array, positive_int
from ..statements import N_

#: The message shown when scikit-image is not installed.
#: The caption a scene shows when the cat photo is missing (the part of NO_SKIMAGE before " -- ").
NO_SKIMAGE_NOTE = N_('scikit-image is not installed, so the cat photo (skimage.data.chelsea) is not available; '
                     'install it with  pip install "convanim[photo]"')
NO_SKIMAGE = NO_SKIMAGE_NOTE + "  -- using a generated picture instead"
#: The name the feature-map scene labels a generated picture with.
GENERATED_PICTURE = N_("generated picture")


@dataclass(frozen=True)
class Photo:
    """A picture and where it came from.

    ``pixels`` (H, W, 3) or (H, W) uint8; ``name`` for titles; ``note`` is
    empty or says why a substitute was used.
    """

    pixels: np.ndarray
    name: str
    note: str = ""


def cat_photo(fallback: bool = True) -> Photo:
    """scikit-image's Chelsea the cat (300×451×3 uint8).

    Without scikit-image: a generated picture of the same size and a
    ``UserWarning`` saying how to install it (``fallback=True``), or an
    ``ImportError`` with that message (``fallback=False``).
    """
    try:
        from skimage import data
    except ImportError:
        if not fallback:
            raise ImportError(NO_SKIMAGE.split(" -- ")[0]) from None
        warnings.warn(NO_SKIMAGE, UserWarning, stacklevel=2)
        return Photo(generated_picture(300, 451), GENERATED_PICTURE, NO_SKIMAGE)
    return Photo(np.asarray(data.chelsea()), "chelsea (scikit-image)")


def read_photo(path: str | Path) -> Photo:
    """An image file as RGB (H, W, 3) uint8 (greyscale files give (H, W)).

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming
    the file for anything Pillow cannot read as an image.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"photo file not found: {path}")
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        raise ImportError("reading photo files needs Pillow: pip install pillow") from None
    try:
        with Image.open(path) as image:
            mode = "L" if image.mode in ("L", "I", "I;16", "F", "1") else "RGB"
            pixels = np.asarray(image.convert(mode))
    except (UnidentifiedImageError, OSError) as err:
        raise ValueError(f"photo file {path} is not an image Pillow can read ({err}); "
                         f"use a PNG or JPEG file") from None
    return Photo(pixels, path.name)


def photo_channels(photo: object, name: str = "photo") -> np.ndarray:
    """Check a picture and return it as channels first: (H, W, 3) -> (3, H, W), (H, W) -> (1, H, W).

    Raises ``ValueError`` naming ``name`` and the shape for anything else
    (RGBA, channels-first arrays, 1-d data).
    """
    pixels = photo.pixels if isinstance(photo, Photo) else photo
    arr = as_numeric_array(name, pixels)
    if arr.ndim == 2:
        return arr[None]
    if arr.ndim == 3 and arr.shape[2] == 3:
        return np.ascontiguousarray(arr.transpose(2, 0, 1))
    hint = ""
    if arr.ndim == 3 and arr.shape[0] == 3:
        hint = "; it looks channels-first: pass pixels.transpose(1, 2, 0)"
    elif arr.ndim == 3 and arr.shape[2] == 4:
        hint = "; drop the alpha channel first: pixels[..., :3]"
    raise ValueError(f"{name} must be H×W×3 (RGB) or H×W (greyscale); got shape {arr.shape}{hint}")


def generated_picture(height: int = 300, width: int = 451, seed: int = 0) -> np.ndarray:
    """A deterministic RGB picture (H, W, 3) uint8: sky gradient, sun, hills, a striped box, noise.

    It has what filters respond to (straight and curved edges, flat areas,
    gradients, fine texture), so feature maps of it are worth looking at.
    """
    height, width = positive_int("height", height), positive_int("width", width)
    y, x = np.mgrid[0:height, 0:width].astype(float)
    v, u = y / height, x / width
    image = np.empty((height, width, 3))
    image[..., 0] = 70 + 90 * v                                   # sky, lighter towards the horizon
    image[..., 1] = 110 + 80 * v
    image[..., 2] = 200 - 30 * v
    sun = (u - 0.75) ** 2 + ((v - 0.25) * height / width) ** 2 < 0.012
    image[sun] = (250, 220, 90)
    hill = v > 0.62 + 0.08 * np.sin(6 * u + 1)                    # a curved horizon
    image[hill] = np.stack([40 + 30 * v, 120 + 40 * v, 50 + 0 * v], axis=-1)[hill]
    box = (u > 0.12) & (u < 0.38) & (v > 0.45) & (v < 0.85)       # a box with vertical stripes
    stripes = (np.floor(x / 6) % 2 == 0)
    image[box & stripes] = (200, 60, 40)
    image[box & ~stripes] = (240, 200, 180)
    image += np.random.default_rng(seed).normal(0, 6, image.shape)  # texture
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


# Strokes of each digit in a unit box (x right, y down), as polylines.
_DIGIT_STROKES: dict[int, list[list[tuple[float, float]]]] = {
    0: [[(0.5, 0.1), (0.25, 0.25), (0.2, 0.5), (0.25, 0.75), (0.5, 0.9), (0.75, 0.75), (0.8, 0.5), (0.75, 0.25),
         (0.5, 0.1)]],
    1: [[(0.35, 0.25), (0.55, 0.1), (0.55, 0.9)]],
    2: [[(0.25, 0.25), (0.45, 0.1), (0.7, 0.15), (0.75, 0.35), (0.25, 0.9), (0.8, 0.9)]],
    3: [[(0.25, 0.15), (0.7, 0.12), (0.72, 0.35), (0.45, 0.48), (0.75, 0.62), (0.7, 0.88), (0.25, 0.88)]],
    4: [[(0.65, 0.9), (0.65, 0.1), (0.2, 0.65), (0.8, 0.65)]],
    5: [[(0.75, 0.12), (0.3, 0.12), (0.27, 0.45), (0.65, 0.45), (0.75, 0.68), (0.6, 0.88), (0.25, 0.85)]],
    6: [[(0.7, 0.12), (0.35, 0.3), (0.25, 0.65), (0.45, 0.9), (0.7, 0.75), (0.62, 0.5), (0.3, 0.58)]],
    7: [[(0.2, 0.12), (0.8, 0.12), (0.45, 0.9)], [(0.38, 0.5), (0.7, 0.5)]],
    8: [[(0.5, 0.48), (0.28, 0.3), (0.5, 0.1), (0.72, 0.3), (0.5, 0.48), (0.25, 0.7), (0.5, 0.9), (0.75, 0.7),
         (0.5, 0.48)]],
    9: [[(0.72, 0.4), (0.5, 0.52), (0.28, 0.35), (0.5, 0.1), (0.72, 0.3), (0.68, 0.9)]],
}


def digit_image(digit: int = 7, size: int = 28, thickness: float = 0.09) -> np.ndarray:
    """A greyscale digit (size, size) uint8, white strokes (up to 255) on black, MNIST-like.

    Drawn from a few strokes with soft edges; deterministic.  ``thickness``
    is the stroke half-width as a share of ``size``.
    """
    if digit not in _DIGIT_STROKES:
        raise ValueError(f"digit must be an int from 0 to 9; got {digit!r}")
    size = positive_int("size", size)
    centres = (np.arange(size) + 0.5) / size
    py, px = np.meshgrid(centres, centres, indexing="ij")
    distance = np.full((size, size), np.inf)
    for line in _DIGIT_STROKES[digit]:
        for (x0, y0), (x1, y1) in zip(line[:-1], line[1:]):
            dx, dy = x1 - x0, y1 - y0
            t = np.clip(((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy), 0, 1)
            distance = np.minimum(distance, np.hypot(px - x0 - t * dx, py - y0 - t * dy))
    pixel = 1 / size
    level = np.clip((thickness - distance) / pixel + 0.5, 0, 1)  # about one pixel of soft edge
    return np.rint(255 * level).astype(np.uint8)
