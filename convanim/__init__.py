"""convanim: the arithmetic of convolution layers, computed and recorded with numpy.

``import convanim`` imports numpy only.  The functions mirror
``torch.nn.functional`` (NCHW layout, same argument names and semantics);
the ``trace_*`` functions record every intermediate value for the scenes in
``convanim.manim`` (which needs manimgl) and for notebooks.
"""
from . import statements
from .config import set_memory_budget
from .arithmetic.backward import avg_pool2d_backward, conv2d_backward, max_pool2d_backward
from .arithmetic.backward_trace import (ConvGradTrace, InputContribution, PoolContribution, PoolGradTrace,
                                       trace_conv2d_backward, trace_pool2d_backward)
from .arithmetic.activations import leaky_relu, sigmoid, tanh
from .arithmetic.batch_norm import BatchNormTrace, batch_norm, trace_batch_norm
from .arithmetic.conv import conv2d
from .inputs.filters import blur_filter, edge_filter, named_filter, random_filter
from .arithmetic.im2col import (Col2ImGradient, FillStep, Im2ColProduct, col2im, im2col, im2col_conv2d,
                                im2col_conv2d_backward, im2col_steps)
from .inputs.photo import Photo, cat_photo, digit_image, generated_picture, photo_channels, read_photo
from .inputs.digits import Digits, handwritten_digits
from .networks.training import (EdgeProblem, TrainingRun, TrainingStep, cross_entropy_loss, edge_learning_problem,
                                mse_loss, sgd_step, softmax, train_conv)
from .networks.digit_cnn import DigitCNN, FilterSnapshot, load_digit_cnn, train_digit_cnn, trained_digit_cnn
from .networks.digit_cnn import WEIGHTS_FILE as DIGIT_CNN_WEIGHTS
from .networks.from_torch import from_torch
from .networks.folding import FoldTrace, fold_batchnorm, trace_fold_batchnorm
from .networks.from_onnx import OnnxModelError, from_onnx, onnx_input_shape
from .networks.pipeline import (AvgPool, BatchNorm, Conv, Flatten, GlobalAvgPool, GlobalMaxPool, LeakyReLU, Linear,
                                MaxPool, ReLU, Sigmoid, Softmax, Stage, Tanh, run_pipeline)
from .arithmetic.pool import avg_pool2d, global_avg_pool2d, global_max_pool2d, max_pool2d, relu
from .arithmetic.pool_trace import PoolStep, PoolTrace, trace_pool2d
from .arithmetic.conv_nd import conv1d, conv3d, conv_transpose1d
from .arithmetic.pool_nd import avg_pool1d, avg_pool3d, max_pool1d, max_pool3d
from .arithmetic.backward_nd import conv1d_backward, conv3d_backward
from .arithmetic.signal import convolve2d, correlate2d, flip_kernel
from .arithmetic.shapes import (macs, output_size, output_size_formula, param_count, transpose_output_size,
                                transpose_output_size_formula)
from .arithmetic.shuffle import pixel_shuffle, pixel_unshuffle
from .networks.receptive_field import ReceptiveField, receptive_box, receptive_field
from .arithmetic.trace import ConvStep, ConvTrace, WindowSources, trace_conv2d
from .arithmetic.trace_nd import Conv3dTrace, trace_conv1d, trace_conv3d
from .arithmetic.transpose import TransposedAsDirect, conv_transpose2d, transposed_as_direct
from .arithmetic.transpose_trace import ScatterStep, TransposeTrace, trace_conv_transpose2d

__version__ = "0.1.0"

__all__ = [
    "conv2d", "conv2d_backward", "max_pool2d_backward", "avg_pool2d_backward", "conv_transpose2d", "transposed_as_direct", "TransposedAsDirect",
    "max_pool2d", "avg_pool2d", "relu", "im2col", "col2im", "im2col_steps", "FillStep", "im2col_conv2d",
    "Im2ColProduct", "im2col_conv2d_backward", "Col2ImGradient", "Photo", "cat_photo", "read_photo", "generated_picture", "digit_image", "photo_channels",
    "edge_filter", "blur_filter", "random_filter", "named_filter",
    "run_pipeline", "Stage", "Conv", "ReLU", "MaxPool", "AvgPool", "Flatten", "Linear", "Softmax", "from_torch",
    "handwritten_digits", "Digits", "softmax", "cross_entropy_loss",
    "DigitCNN", "DIGIT_CNN_WEIGHTS", "FilterSnapshot", "train_digit_cnn", "trained_digit_cnn", "load_digit_cnn",
    "mse_loss", "sgd_step", "train_conv", "TrainingRun", "TrainingStep", "edge_learning_problem", "EdgeProblem",
    "trace_conv2d", "ConvTrace", "ConvStep", "WindowSources",
    "trace_pool2d", "PoolTrace", "PoolStep",
    "trace_conv2d_backward", "ConvGradTrace", "InputContribution",
    "trace_pool2d_backward", "PoolGradTrace", "PoolContribution",
    "trace_conv_transpose2d", "TransposeTrace", "ScatterStep",
    "output_size", "transpose_output_size", "output_size_formula", "transpose_output_size_formula",
    "param_count", "macs", "set_memory_budget",
    "pixel_shuffle", "pixel_unshuffle", "receptive_field", "receptive_box", "ReceptiveField",
    "batch_norm", "trace_batch_norm", "BatchNormTrace", "fold_batchnorm", "trace_fold_batchnorm", "FoldTrace", "global_avg_pool2d", "global_max_pool2d",
    "leaky_relu", "sigmoid", "tanh", "from_onnx", "onnx_input_shape", "OnnxModelError",
    "BatchNorm", "GlobalAvgPool", "GlobalMaxPool", "LeakyReLU", "Sigmoid", "Tanh",
    "conv1d", "conv3d", "conv_transpose1d", "max_pool1d", "avg_pool1d", "max_pool3d", "avg_pool3d",
    "conv1d_backward", "conv3d_backward", "correlate2d", "convolve2d", "flip_kernel", "trace_conv1d",
    "trace_conv3d", "Conv3dTrace",
]
