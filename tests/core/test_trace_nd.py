"""trace_conv1d and trace_conv3d against torch on random layers: the outputs equal torch's conv1d/conv3d, and
each recorded window sum equals the window of the padded input (padded here by torch) times its kernel row or
slice, summed here; the running sums go from the bias through those sums to the output."""
import numpy as np
import pytest
import torch

import convanim as ca

MODES = ["zeros", "reflect", "replicate", "circular"]


def torch_padded(x: np.ndarray, pads: list[int], mode: str) -> np.ndarray:
    t = torch.tensor(x[None], dtype=torch.float64)
    return torch.nn.functional.pad(t, pads, mode={"zeros": "constant"}.get(mode, mode))[0].numpy()


@pytest.mark.parametrize("seed", range(60))
def test_trace_conv1d_is_torchs(seed):
    rng = np.random.default_rng(seed)
    g = int(rng.choice([1, 2]))
    c, f, k = g * int(rng.integers(1, 3)), g * int(rng.integers(1, 3)), int(rng.integers(1, 4))
    s, p, d, mode = int(rng.integers(1, 3)), int(rng.integers(0, 2)), int(rng.integers(1, 3)), str(rng.choice(MODES))
    length = int(rng.integers(d * (k - 1) + 2, 10))
    x, w = rng.integers(-9, 10, (c, length)), rng.integers(-3, 4, (f, c // g, k))
    b = rng.integers(-9, 10, f) if rng.random() < 0.5 else None
    t = ca.trace_conv1d(x, w, b, s, p, d, g, mode)
    conv = torch.nn.Conv1d(c, f, k, s, p, d, g, b is not None, mode).double()
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(w))
        if b is not None:
            conv.bias.copy_(torch.tensor(b))
        y = conv(torch.tensor(x[None], dtype=torch.float64))[0].numpy()
    np.testing.assert_array_equal(t.output[:, 0], y)
    xp = torch_padded(x, [p, p], mode)
    cg = c // g
    for ff in range(f):
        for i in range(y.shape[1]):
            sums = [float((xp[ff // (f // g) * cg + cc, i * s: i * s + d * (k - 1) + 1: d] * w[ff, cc]).sum())
                    for cc in range(cg)]
            np.testing.assert_array_equal(t.channel_sums[ff, 0, i], sums)
            start = 0 if b is None else b[ff]
            np.testing.assert_array_equal(t.running[ff, 0, i], np.concatenate([[start], start + np.cumsum(sums)]))


@pytest.mark.parametrize("seed", range(60))
def test_trace_conv3d_is_torchs(seed):
    rng = np.random.default_rng(100 + seed)
    g = int(rng.choice([1, 2]))
    c, f = g * int(rng.integers(1, 3)), g * int(rng.integers(1, 3))
    k = tuple(int(v) for v in rng.integers(1, 3, 3))
    s, p, d, mode = int(rng.integers(1, 3)), int(rng.integers(0, 2)), int(rng.integers(1, 3)), str(rng.choice(MODES))
    size = tuple(int(rng.integers(d * (kk - 1) + 2, 5)) for kk in k)
    x, w = rng.integers(-5, 6, (c, *size)), rng.integers(-3, 4, (f, c // g, *k))
    b = rng.integers(-9, 10, f) if rng.random() < 0.5 else None
    t = ca.trace_conv3d(x, w, b, s, p, d, g, mode)
    conv = torch.nn.Conv3d(c, f, k, s, p, d, g, b is not None, mode).double()
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(w))
        if b is not None:
            conv.bias.copy_(torch.tensor(b))
        y = conv(torch.tensor(x[None], dtype=torch.float64))[0].numpy()
    np.testing.assert_array_equal(t.output, y)
    xp = torch_padded(x, [p] * 6, mode)
    np.testing.assert_array_equal(t.padded, xp)
    cg = c // g
    od, oy, ox = (int(rng.integers(0, n)) for n in y.shape[1:])  # one output cell, at random
    ff = int(rng.integers(0, f))
    plane = t.planes[od]
    sums = [float((xp[ff // (f // g) * cg + cc, od * s + kd * d, oy * s: oy * s + d * (k[1] - 1) + 1: d,
                      ox * s: ox * s + d * (k[2] - 1) + 1: d] * w[ff, cc, kd]).sum())
            for cc in range(cg) for kd in range(k[0])]  # channel first, then the kernel's depth
    np.testing.assert_array_equal(plane.channel_sums[ff, oy, ox], sums)
    assert t.frame_of(od, 0) == od * s - p
