"""Bad input raises TypeError/ValueError naming the argument, the shapes and the rule."""
import numpy as np
import pytest

import convanim as ca

X = np.zeros((3, 4, 4))
W = np.zeros((2, 3, 3, 3))


@pytest.mark.parametrize("call,error,pattern", [
    (lambda: ca.conv2d(X, np.zeros((2, 3, 5, 5))), ValueError,
     r"kernel_size \(5, 5\).*larger than the padded input 4×4"),
    (lambda: ca.conv2d(X, np.zeros((2, 2, 3, 3))), ValueError,
     r"input has 3 channels.*weight \(2, 2, 3, 3\).*groups=1"),
    (lambda: ca.conv2d(np.zeros((4, 4, 4)), np.zeros((3, 2, 3, 3)), groups=2), ValueError,
     r"groups=2 must divide both.*output channels \(3"),
    (lambda: ca.conv2d(X, W, stride=0), ValueError, r"stride must be >= 1"),
    (lambda: ca.conv2d(X, W, dilation=(1, 0)), ValueError, r"dilation must be >= 1"),
    (lambda: ca.conv2d(X, W, padding="same", stride=2), ValueError, r"'same' needs stride 1"),
    (lambda: ca.conv2d(X, W, padding="full"), ValueError, r"padding must be one of 'valid', 'same'"),
    (lambda: ca.conv2d(X, W, padding=-1), ValueError, r"padding must be >= 0"),
    (lambda: ca.conv2d(X, W, stride=1.5), TypeError, r"stride must be an int or a pair"),
    (lambda: ca.conv2d(np.zeros((4, 4)), W), ValueError, r"input must be 3-d \(C, H, W\) or 4-d.*\(4, 4\)"),
    (lambda: ca.conv2d(X, np.zeros((3, 3, 3))), ValueError, r"weight must be 4-d.*\(3, 3, 3\)"),
    (lambda: ca.conv2d(X.astype(str), W), TypeError, r"input must hold real numbers.*<U"),
    (lambda: ca.conv2d(X, W, bias=np.zeros(3)), ValueError, r"bias must have shape \(C_out,\) = \(2,\).*\(3,\)"),
    (lambda: ca.conv2d(X, W, padding=4, padding_mode="reflect"), ValueError,
     r"reflect.*smaller than the input.*4×4"),
    (lambda: ca.conv2d(X, W, padding_mode="mirror"), ValueError, r"padding_mode must be one of"),
    (lambda: ca.max_pool2d(X, 3, padding=2), ValueError, r"padding \(2, 2\) must be at most half of kernel_size"),
    (lambda: ca.max_pool2d(X, 5), ValueError, r"kernel_size \(5, 5\).*larger than the padded input"),
    (lambda: ca.avg_pool2d(X, 2, divisor_override=0), ValueError, r"divisor_override must not be zero"),
    (lambda: ca.conv_transpose2d(X, np.zeros((3, 1, 3, 3)), stride=2, output_padding=2), ValueError,
     r"output_padding \(2, 2\) must be smaller than stride \(2, 2\) or dilation"),
    (lambda: ca.conv_transpose2d(X, np.zeros((2, 1, 3, 3))), ValueError,
     r"weight must be \(C_in, C_out/groups, KH, KW\) with C_in = 3"),
    (lambda: ca.conv_transpose2d(np.zeros((1, 1, 1)), np.zeros((1, 1, 1, 1)), padding=1), ValueError,
     r"output would be -1×-1"),
    (lambda: ca.im2col(X, 3, method="rows"), ValueError, r"method must be one of 'kernel', 'window'"),
    (lambda: ca.col2im(np.zeros((4, 5)), (3, 4, 4), 3), ValueError, r"cols must have shape.*\(4, 27\).*\(4, 5\)"),
    (lambda: ca.trace_pool2d(X, 2, mode="min"), ValueError, r"mode must be one of 'max', 'avg'"),
])
def test_error_messages(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_large_inputs_are_refused_not_allocated():
    big = np.lib.stride_tricks.as_strided(np.zeros(1, dtype=np.float32), (1, 64, 4096, 4096), (0, 0, 0, 0))
    with pytest.raises(MemoryError, match=r"im2col would need an array of shape .* over the limit"):
        ca.im2col(big, 3)
    with pytest.raises(MemoryError, match="conv2d output"):
        ca.conv2d(big, np.zeros((64, 64, 1, 1), dtype=np.float32))


def test_ragged_input_is_a_type_error():
    with pytest.raises(TypeError, match="input must be an array of real numbers"):
        ca.conv2d([[[1, 2], [3]]], W)
