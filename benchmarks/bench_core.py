"""Core speed and memory against torch.nn.functional, side by side in one run.

    python benchmarks/bench_core.py [--repeats 5] [--backward-only]

Prints a Markdown table of median times and ratios (ours / torch), same
thread count for both, float32, and the peak extra memory of our 20x20 photo
conv (tracemalloc counts numpy's allocations).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc

# Idle OpenMP threads of torch must not spin while numpy's BLAS works (2 cores).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import convanim as ca  # noqa: E402
from common import median_seconds, paired_medians, print_table, recorded  # noqa: E402


def conv_cases(rng):
    photo = rng.random((1, 3, 1080, 1440), dtype=np.float32)
    for k in (3, 10, 20):
        yield f"conv2d photo (1,3,1080,1440) 3 filters {k}x{k}", photo, rng.standard_normal((3, 3, k, k), dtype=np.float32), {}, 1.0 if k == 3 else 1.5
    # The feature-map scene's photo: scikit-image's cat is 300×451×3, through one 20×20 filter.
    cat = rng.random((1, 3, 300, 451), dtype=np.float32)
    yield "conv2d cat photo (1,3,300,451) 1 filter 20x20", cat, rng.standard_normal((1, 3, 20, 20), dtype=np.float32), \
        {}, 1.5
    yield "conv2d (1,3,224,224) x64 3x3", rng.random((1, 3, 224, 224), dtype=np.float32), \
        rng.standard_normal((64, 3, 3, 3), dtype=np.float32), {}, 1.0
    yield "conv2d (1,3,224,224) x64 3x3 pad 1", rng.random((1, 3, 224, 224), dtype=np.float32), \
        rng.standard_normal((64, 3, 3, 3), dtype=np.float32), dict(padding=1), 1.5
    yield "conv2d (8,64,56,56) x64 3x3 pad 1", rng.random((8, 64, 56, 56), dtype=np.float32), \
        rng.standard_normal((64, 64, 3, 3), dtype=np.float32), dict(padding=1), 1.5


def backward_cases(rng):
    """conv2d_backward against the function torch.autograd calls for a convolution's backward
    (aten.convolution_backward: grad_input, grad_weight and grad_bias in one call)."""
    yield "conv2d_backward photo (1,3,1080,1440) 3 filters 3x3", rng.random((1, 3, 1080, 1440), dtype=np.float32), \
        rng.standard_normal((3, 3, 3, 3), dtype=np.float32), dict(padding=0), 1.5
    yield "conv2d_backward (8,64,56,56) x64 3x3 pad 1", rng.random((8, 64, 56, 56), dtype=np.float32), \
        rng.standard_normal((64, 64, 3, 3), dtype=np.float32), dict(padding=1), 1.5


def backward_rows(rng, repeats: int) -> list[list[str]]:
    rows = []
    for name, x, w, options, goal in backward_cases(rng):
        g = rng.standard_normal(ca.conv2d(x, w, **options).shape, dtype=np.float32)
        tx, tw, tg = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(g)
        pad = options["padding"]

        def reference():
            return torch.ops.aten.convolution_backward(tg, tx, tw, [w.shape[0]], [1, 1], [pad, pad], [1, 1], False,
                                                       [0, 0], 1, [True, True, True])

        ours, ref = paired_medians(lambda: ca.conv2d_backward(x, w, g, **options), reference, repeats)
        rows.append([name, f"{ours * 1e3:.1f}", f"{ref * 1e3:.1f}", f"{ours / ref:.2f}", f"≤ {goal}",
                     "met" if ours / ref <= goal else "missed"])
    return rows


def peak_extra_mib(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--backward-only", action="store_true", help="only the conv2d_backward rows")
    args = parser.parse_args()
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, numpy {np.__version__}, torch threads {threads}, "
          f"cpu count {os.cpu_count()}\n")
    rng = np.random.default_rng(0)
    if args.backward_only:
        print_table(["case", "ours ms", "torch ms", "ratio", "goal", ""], backward_rows(rng, args.repeats))
        return
    rows = []
    for name, x, w, options, goal in conv_cases(rng):
        tx, tw = torch.from_numpy(x), torch.from_numpy(w)
        with torch.no_grad():
            ours, ref = paired_medians(lambda: ca.conv2d(x, w, **options), lambda: F.conv2d(tx, tw, **options),
                                       args.repeats)
        rows.append([name, f"{ours * 1e3:.1f}", f"{ref * 1e3:.1f}", f"{ours / ref:.2f}", f"≤ {goal}",
                     "met" if ours / ref <= goal else "missed"])
    pool_x = rng.random((8, 64, 112, 112), dtype=np.float32)
    tpx = torch.from_numpy(pool_x)
    for k, s in ((2, 2), (3, 2)):
        ours, ref = paired_medians(lambda: ca.max_pool2d(pool_x, k, s), lambda: F.max_pool2d(tpx, k, s),
                                   args.repeats)
        rows.append([f"max_pool2d (8,64,112,112) {k}x{k}/{s}", f"{ours * 1e3:.1f}", f"{ref * 1e3:.1f}",
                     f"{ours / ref:.2f}", "≤ 1.5", "met" if ours / ref <= 1.5 else "missed"])
    rows += backward_rows(rng, args.repeats)
    print_table(["case", "ours ms", "torch ms", "ratio", "goal", ""], rows)

    x = rng.integers(0, 10, (3, 4, 4))
    w = rng.integers(0, 10, (3, 3, 3, 3))
    b = rng.integers(10, 100, 3)
    small = median_seconds(lambda: ca.trace_conv2d(x, w, b), 50)
    mnist = rng.random((1, 28, 28), dtype=np.float32)
    k5 = rng.standard_normal((1, 1, 5, 5), dtype=np.float32)
    medium = median_seconds(lambda: ca.trace_conv2d(mnist, k5), 50)
    print()
    print_table(["trace", "median ms", "goal"], [
        ["trace_conv2d 3→3 ch, 3x3, 4x4 input", f"{small * 1e3:.3f}", "< 1 ms " + ("met" if small < 1e-3 else "missed")],
        ["trace_conv2d 1→1 ch, 5x5, 28x28 input", f"{medium * 1e3:.3f}",
         "< 20 ms " + ("met" if medium < 20e-3 else "missed")],
    ])
    photo = rng.random((1, 3, 1080, 1440), dtype=np.float32)
    w20 = rng.standard_normal((3, 3, 20, 20), dtype=np.float32)
    peak = peak_extra_mib(lambda: ca.conv2d(photo, w20))
    out_mib = 3 * 1061 * 1421 * 4 / 2**20
    print(f"\npeak numpy memory of conv2d photo 20x20: {peak:.0f} MiB (output itself {out_mib:.0f} MiB; "
          f"goal < 512 MiB extra: {'met' if peak - out_mib < 512 else 'missed'})")


if __name__ == "__main__":
    with recorded("bench_core"):
        start = time.perf_counter()
        main()
        print(f"\n(benchmark took {time.perf_counter() - start:.0f} s)")
