"""Arrays drawn as images: photos and feature maps too big for one mobject per cell.

manimgl's ImageMobject reads a file, so :class:`ArrayImage` writes the
pixels as a PNG into a cache folder named by their content (same array,
same file: renders stay deterministic and nothing is written twice) and
keeps both the source ``values`` and the drawn ``pixels`` on the mobject,
for tests to read back.  Small maps are enlarged by whole pixels before
writing, so each value stays a crisp square instead of a blur.
"""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import ImageMobject
from manimlib.utils.color import color_to_rgb
from PIL import Image

#: Where the PNGs go (one file per distinct picture).
IMAGE_CACHE = Path(tempfile.gettempdir()) / "convanim-images"
#: Maps are enlarged by whole pixels until their longer side is at least this many pixels.
MIN_DRAWN_SIDE = 240


#: Maps are scaled so that this percentile of their magnitudes is full brightness (a few
#: extreme pixels would otherwise leave an edge map nearly black); brighter values clip.
BRIGHT_PERCENTILE = 99.5


def bright_limit(magnitudes: np.ndarray) -> float:
    """The value drawn at full brightness: the :data:`BRIGHT_PERCENTILE` of ``magnitudes`` (the max for small maps)."""
    m = np.ravel(magnitudes)
    top = float(np.percentile(m, BRIGHT_PERCENTILE)) if m.size >= 1000 else float(np.max(m))
    return top if top > 0 else (float(np.max(m)) or 1.0)


def grey_pixels(values: np.ndarray) -> np.ndarray:
    """(H, W) values -> (H, W, 3) uint8: the smallest value black, :func:`bright_limit` and above white."""
    v = np.asarray(values, dtype=float)
    low = float(np.min(v))
    span = bright_limit(v - low) if np.max(v) > low else 1.0
    level = np.clip((v - low) / span, 0, 1)
    return np.repeat(np.rint(255 * level).astype(np.uint8)[..., None], 3, axis=2)


def signed_pixels(values: np.ndarray, negative: str, positive: str) -> np.ndarray:
    """(H, W) values -> (H, W, 3) uint8: zero black, ±:func:`bright_limit` of |v| full ``negative``/``positive``."""
    v = np.asarray(values, dtype=float)
    share = np.clip(np.abs(v) / bright_limit(np.abs(v)), 0, 1)[..., None]
    colour = np.where(v[..., None] < 0, color_to_rgb(negative), color_to_rgb(positive))
    return np.rint(255 * share * colour).astype(np.uint8)


def rgb_pixels(values: np.ndarray) -> np.ndarray:
    """A photo (H, W, 3) or channels-first (3, H, W) with values 0..255 -> (H, W, 3) uint8."""
    v = np.asarray(values)
    if v.ndim == 3 and v.shape[0] == 3 and v.shape[2] != 3:
        v = v.transpose(1, 2, 0)
    return np.clip(np.rint(v), 0, 255).astype(np.uint8)


def enlarge(pixels: np.ndarray, min_side: int = MIN_DRAWN_SIDE) -> np.ndarray:
    """Repeat each pixel k×k times (k whole) so the longer side reaches ``min_side``."""
    k = max(1, -(-min_side // max(pixels.shape[:2])))
    return np.repeat(np.repeat(pixels, k, axis=0), k, axis=1) if k > 1 else pixels


def cached_png(pixels: np.ndarray) -> Path:
    """Write ``pixels`` (H, W, 3) uint8 as a PNG named by its content; return the path."""
    data = np.ascontiguousarray(pixels)
    name = hashlib.sha1(data.tobytes() + str(data.shape).encode()).hexdigest()[:20]
    path = IMAGE_CACHE / f"{name}.png"
    if not path.exists():
        IMAGE_CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part.png")
        Image.fromarray(data).save(partial)
        partial.replace(path)  # never a half-written PNG under the final name
    return path


class ArrayImage(ImageMobject):
    """``values`` drawn as an image of ``height`` scene units.

    ``pixels`` (H, W, 3) uint8 is what one value of ``values`` becomes on
    screen (from :func:`grey_pixels`, :func:`signed_pixels` or
    :func:`rgb_pixels`); it is enlarged for drawing by :func:`enlarge`.
    """

    def __init__(self, values: np.ndarray, pixels: np.ndarray, height: float, **kwargs):
        self.values = np.asarray(values)
        self.pixels = np.asarray(pixels)
        if self.pixels.shape[:2] != self.values.shape[-2:]:
            raise ValueError(f"pixels {self.pixels.shape} do not match values {self.values.shape}")
        super().__init__(str(cached_png(enlarge(self.pixels))), height=height, **kwargs)

    def drawn_pixels(self) -> np.ndarray:
        """The picture as read back from the PNG the mobject draws, reduced to one pixel per value."""
        with Image.open(self.image_path) as image:
            drawn = np.asarray(image.convert("RGB"))
        k = drawn.shape[0] // self.pixels.shape[0]
        return drawn[::k, ::k]

    def pixel_center(self, row: int, col: int) -> np.ndarray:
        """Scene point at the centre of value (row, col)."""
        h, w = self.pixels.shape[:2]
        left, top = self.get_left()[0], self.get_top()[1]
        return np.array([left + (col + 0.5) * self.get_width() / w, top - (row + 0.5) * self.get_height() / h, 0])

    def pixel_size(self) -> float:
        """Side of one value's square in scene units."""
        return self.get_height() / self.pixels.shape[0]
