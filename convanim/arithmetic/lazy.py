"""An array-like that computes blocks of windows on demand, within a memory budget."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .. import config

BlockFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


class WindowArray:
    """Stands in for an array ``(F, OH, OW, ...)`` too large to hold.

    Indexing works as on the array it stands for, ``a[f, oy, ox]``,
    ``a[f, :2, :, c]`` and so on (ints, slices and index lists on the first
    three axes; anything numpy accepts on the rest); only the selected
    windows are computed.  A selection larger than the budget raises
    ``MemoryError``; so does ``np.asarray(a)`` on the whole thing.
    """

    def __init__(self, shape: tuple[int, ...], dtype: np.dtype, block: BlockFn, budget: int, name: str,
                 remedy: str = "trace_conv2d(..., memory_budget=...)"):
        self._remedy = remedy
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.ndim = len(self.shape)
        self._block = block
        self._budget = budget
        self._name = name

    def __len__(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        return f"WindowArray({self._name}, shape={self.shape}, dtype={self.dtype}, computed on demand)"

    def __getitem__(self, key: object) -> np.ndarray:
        if not isinstance(key, tuple):
            key = (key,)
        if any(k is Ellipsis or k is None for k in key):
            raise TypeError(f"{self._name} is computed on demand; index it without ... or None")
        head = list(key[:3]) + [slice(None)] * (3 - len(key[:3]))
        picks = [np.arange(n)[k] for n, k in zip(self.shape[:3], head)]
        config.check_allocation(f"{self._name}[{key}]",
                                (*(np.size(p) for p in picks), *self.shape[3:]), self.dtype.itemsize,
                                self._budget, self._remedy)
        block = self._block(*(np.atleast_1d(p) for p in picks))
        # Re-index the block with the same kinds of index (int, slice, list) so
        # that numpy's rules for mixing them give the shape the full array would.
        local = tuple(0 if np.ndim(p) == 0 else slice(None) if isinstance(k, slice) else np.arange(np.size(p))
                      for p, k in zip(picks, head))
        return block[local + tuple(key[3:])]

    def __array__(self, dtype=None, copy=None):
        config.check_allocation(self._name, self.shape, self.dtype.itemsize, self._budget, self._remedy)
        out = self[:, :, :]
        return out if dtype is None else out.astype(dtype)
