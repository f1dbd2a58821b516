"""The arithmetic of the layers and its traces: conv2d, transposed conv, pooling, im2col, the backward pass.

Everything here is numpy only; the public names are re-exported by ``convanim``.
"""
