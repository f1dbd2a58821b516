"""One-dimensional convolution (``nn.Conv1d``): signals of several channels over time, the kernel sliding along
time.  The arithmetic of Conv3x3, one row per channel.

    manimgl scenes/conv1d.py Conv1dLayer      # three channels over ten steps, two filters of 3×3
    manimgl scenes/conv1d.py Conv1dWaveform   # a short sound wave smoothed and differenced
    manimgl scenes/conv1d.py Conv1dSentence   # a sentence's word embeddings, filters over word pairs
"""
import numpy as np

from convanim.manim import Conv1dLayerScene


class Conv1dLayer(Conv1dLayerScene):
    """Three channels over ten steps, two filters of 3 channels × 3 taps, each with a bias."""


class Conv1dWaveform(Conv1dLayerScene):
    """One channel: 16 samples of a wave (two sines, to one decimal), a moving sum [1, 1, 1] that smooths it and
    a difference [−1, 0, 1] that finds where it rises and falls; no bias, padding 1 so the outputs keep the
    length."""

    in_channels, length, out_channels, padding, use_bias, decimals = 1, 16, 2, 1, False, 1
    input_values = np.round(np.sin(np.arange(16) * 0.6) + 0.5 * np.sin(np.arange(16) * 1.9), 1)[None]
    weight_values = np.array([[[1, 1, 1]], [[-1, 0, 1]]])


class Conv1dSentence(Conv1dLayerScene):
    """"the cat sat on the mat" as six word embeddings of four numbers (the channels), two filters that each
    read a pair of neighbouring words: the 1-D conv of a text model (Kim, 2014)."""

    in_channels, length, out_channels, kernel_size, decimals = 4, 6, 2, 2, 1
    column_names = "the cat sat on the mat"
    input_values = np.array([[0.2, 0.9, -0.4, 0.1, 0.2, 0.8],
                             [-0.5, 0.3, 0.7, -0.2, -0.5, 0.4],
                             [0.1, -0.6, 0.5, 0.3, 0.1, -0.7],
                             [0.4, 0.2, -0.1, -0.8, 0.4, 0.3]])
    weight_values = np.array([[[0.5, -0.5], [1.0, 0.0], [0.0, 0.5], [-1.0, 1.0]],
                              [[1.0, 1.0], [-0.5, 0.5], [0.5, 0.0], [0.0, -1.0]]])
    bias_values = np.array([0.1, -0.2])


SCENES_IN_ORDER = [Conv1dLayer, Conv1dWaveform, Conv1dSentence]
