"""Train the small digit CNN that ships with convanim, and write (or check) its weights file.

    python examples/train_digit_cnn.py            # train, report, write convanim/networks/digit_cnn.npz
    python examples/train_digit_cnn.py --check    # train again and compare with the shipped file

numpy and scikit-learn's bundled digits only (pip install "convanim[data]"):
the backward pass is convanim's own (see convanim/networks/digit_cnn.py).
The same seed gives the same weights: on one machine bit for bit; between
machines whose BLAS adds in another order, the first layer (rounded to two
places) is equal and the linear layer agrees within ``TOLERANCE``.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from convanim import DIGIT_CNN_WEIGHTS as WEIGHTS_FILE, DigitCNN, load_digit_cnn, train_digit_cnn

#: How far a re-run's linear layer may stray from the shipped one (absolute, per weight).
TOLERANCE = 1e-6


def differences(trained: DigitCNN, shipped: DigitCNN) -> list[str]:
    """What differs between two networks beyond the tolerance (empty: they agree)."""
    problems = []
    for name in ("conv_weight", "conv_bias"):
        if not np.array_equal(getattr(trained, name), getattr(shipped, name)):
            problems.append(f"{name} differs (it should be equal after rounding)")
    for name in ("linear_weight", "linear_bias"):
        gap = float(np.max(np.abs(getattr(trained, name) - getattr(shipped, name))))
        if gap > TOLERANCE:
            problems.append(f"{name} differs by up to {gap:.3g} (tolerance {TOLERANCE})")
    if [s.step for s in trained.snapshots] != [s.step for s in shipped.snapshots]:
        problems.append("the snapshots were taken at other steps")
    if trained.held_out_accuracy != shipped.held_out_accuracy:
        problems.append(f"held-out accuracy {trained.held_out_accuracy:.4f} against {shipped.held_out_accuracy:.4f}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing it")
    parser.add_argument("--out", default=str(WEIGHTS_FILE), help="where to write the weights (.npz)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    net = train_digit_cnn()
    seconds = time.perf_counter() - start
    for s in net.snapshots:
        print(f"after {s.step:4d} updates (epoch {s.epoch:5.2f}): held-out accuracy {100 * s.accuracy:.1f}%")
    print(f"trained in {seconds:.1f} s; held-out accuracy {100 * net.held_out_accuracy:.1f}%")
    if args.check:
        problems = differences(net, load_digit_cnn(WEIGHTS_FILE))
        for p in problems:
            print(f"differs from {WEIGHTS_FILE}: {p}", file=sys.stderr)
        print("reproduces the shipped weights" if not problems else "does NOT reproduce the shipped weights")
        return 1 if problems else 0
    net.save(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
