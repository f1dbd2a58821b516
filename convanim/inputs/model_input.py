"""A picture made ready for a model: resized to its input size, grey or RGB by its channel count, scaled and
normalised as the model was trained (``picture_for_model``).

    x = picture_for_model("cat.jpg", (3, 32, 32), value_range=(0, 1), mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25))

Without a file, the project's own pictures: a drawn digit for one channel, the cat for three.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .photo import cat_photo, digit_image, read_photo


def _resized(pixels: np.ndarray, height: int, width: int) -> np.ndarray:
    """(H, W) or (H, W, 3) uint8 resized with Pillow's Lanczos filter to (height, width[, 3])."""
    from PIL import Image

    image = Image.fromarray(pixels)
    return np.asarray(image.resize((width, height), Image.Resampling.LANCZOS))


def picture_for_model(path: str | Path | None, shape: tuple[int, int, int], value_range: tuple[float, float] = (0, 1),
                      mean: tuple[float, ...] = (0.0,), std: tuple[float, ...] = (1.0,)) -> np.ndarray:
    """The picture at ``path`` (None: a drawn 3 for one channel, the cat for three) as the model's input
    ``shape`` (C, H, W), float64: resized, turned grey (C = 1) or RGB (C = 3), its 0..255 levels mapped linearly
    onto ``value_range``, then ``(x − mean[c]) / std[c]`` per channel (one value for every channel, or C values)."""
    channels, height, width = shape
    if channels not in (1, 3):
        raise ValueError(f"the model takes {channels} input channels; a picture gives 1 (grey) or 3 (RGB)")
    low, high = (float(v) for v in value_range)
    if not high > low:
        raise ValueError(f"value_range must go up, (low, high); got {tuple(value_range)}")
    mean_c, std_c = (np.broadcast_to(np.asarray(v, dtype=float), (channels,)) if len(v) in (1, channels) else None
                     for v in (mean, std))
    if mean_c is None or std_c is None:
        raise ValueError(f"mean and std take one value or {channels} (one per channel); got {len(mean)} and "
                         f"{len(std)}")
    if np.any(std_c <= 0):
        raise ValueError(f"std must be above 0; got {tuple(std)}")
    if path is None:
        pixels = cat_photo().pixels if channels == 3 else digit_image(3, max(height, width))
    else:
        pixels = read_photo(path).pixels
    if pixels.ndim == 2 and channels == 3:
        pixels = np.repeat(pixels[..., None], 3, axis=2)
    if pixels.ndim == 3 and channels == 1:  # ITU-R BT.601 luma, as Pillow's "L" conversion weighs R, G, B
        pixels = np.rint(pixels @ np.array([0.299, 0.587, 0.114])).clip(0, 255).astype(np.uint8)
    pixels = _resized(pixels.astype(np.uint8), height, width)
    x = pixels.astype(float) / 255 * (high - low) + low
    x = x[None] if x.ndim == 2 else x.transpose(2, 0, 1)
    return (x - mean_c[:, None, None]) / std_c[:, None, None]


__all__ = ["picture_for_model"]
