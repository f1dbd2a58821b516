"""Issue 15's core: pixel shuffle against torch, multiply-add counts by hand, receptive fields against
hand-worked stacks and their boxes against autograd."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from oracles import torch_forward
import convanim as ca
from convanim import macs, pixel_shuffle, pixel_unshuffle, receptive_box, receptive_field


# -- pixel shuffle ---------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, r", [((8, 3, 5), 2), ((2, 18, 2, 3), 3), ((2, 1, 4, 1, 1), 1), ((1, 4, 1, 1), 2)])
def test_pixel_shuffle_and_unshuffle_equal_torch(shape, r):
    x = np.random.default_rng(0).normal(size=shape)
    shuffled = pixel_shuffle(x, r)
    np.testing.assert_array_equal(shuffled, F.pixel_shuffle(torch.from_numpy(x), r).numpy())
    np.testing.assert_array_equal(pixel_unshuffle(shuffled, r), F.pixel_unshuffle(torch.from_numpy(shuffled), r).numpy())
    np.testing.assert_array_equal(pixel_unshuffle(shuffled, r), x)


def test_pixel_shuffle_by_hand():
    # Four channels of one pixel each become one 2×2 block: channel i·2 + j goes to (i, j).
    x = np.arange(4).reshape(4, 1, 1)
    np.testing.assert_array_equal(pixel_shuffle(x, 2), [[[0, 1], [2, 3]]])


@pytest.mark.parametrize("call, message", [
    (lambda: pixel_shuffle(np.zeros((3, 2, 2)), 2), r"channels \(3, shape \(3, 2, 2\)\) divisible by upscale_factor² = 2² = 4"),
    (lambda: pixel_unshuffle(np.zeros((1, 3, 4)), 2), r"height and width \(3×4, shape \(1, 3, 4\)\) divisible by downscale_factor = 2"),
    (lambda: pixel_shuffle(np.zeros((4, 2)), 2), r"at least 3 dimensions; got shape \(4, 2\)"),
    (lambda: pixel_shuffle(np.zeros((4, 2, 2)), 0), r"upscale_factor must be a positive int; got 0"),
])
def test_pixel_shuffle_errors_name_the_rule(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- multiply-adds -----------------------------------------------------------------------------------
def test_macs_by_hand():
    assert macs(3, 3, 3, 2) == 3 * 3 * 3 * 3 * 2 * 2 == 324            # Conv3x3's layer: 4 positions × 81
    assert macs(3, 3, 3, 2, groups=3) == 3 * 1 * 9 * 4 == 108            # depthwise: one channel per filter
    assert macs(3, 6, 1, (5, 7)) == 6 * 3 * 1 * 35 == 630                # pointwise 1×1
    assert macs(4, 8, (3, 2), (2, 3), groups=2) == 8 * 2 * 6 * 6 == 576
    with pytest.raises(ValueError, match="groups=2 must divide both c_in=3"):
        macs(3, 4, 3, 2, groups=2)


def test_macs_count_the_products_a_trace_records():
    rng = np.random.default_rng(1)
    x, w = rng.integers(1, 5, (4, 6, 5)), rng.integers(1, 5, (6, 2, 3, 3))
    t = ca.trace_conv2d(x, w, None, stride=1, padding=1, groups=2)
    assert macs(4, 6, 3, t.output.shape[1:], groups=2) == t.products.size


# -- receptive fields: closed forms --------------------------------------------------------------------
def conv(k, stride=1, padding=0, dilation=1, mode="zeros", channels=1):
    return ca.Conv(np.ones((channels, channels, k, k)), None, stride, padding, dilation, 1, mode)


def test_receptive_field_of_a_hand_worked_stack():
    # conv 3 → pool 2 → conv 3 (padding 1) → conv 3 dilation 2, stride 2.  By hand, rows:
    #   conv 1: r = 1 + 2·1 = 3,  j = 1, u = 0
    #   pool:   r = 3 + 1·1 = 4,  j = 2, u = 0
    #   conv 2: r = 4 + 2·2 = 8,  j = 2, u = 0 − 1·2 = −2
    #   conv 3: r = 8 + 4·2 = 16, j = 4, u = −2           (dilated extent 2·2 + 1 = 5)
    layers = [conv(3), ca.ReLU(), ca.MaxPool(2), conv(3, padding=1), conv(3, stride=2, dilation=2)]
    fields = receptive_field(layers, 20)
    assert [f.name for f in fields] == ["input", "conv 1", "ReLU 1", "max pool 1", "conv 2", "conv 3"]
    assert [f.size[0] for f in fields] == [1, 3, 3, 4, 8, 16]
    assert [f.jump[0] for f in fields] == [1, 1, 1, 2, 2, 4]
    assert [f.start[0] for f in fields] == [0, 0, 0, 0, -2, -2]
    assert [f.shape for f in fields] == [(20, 20), (18, 18), (18, 18), (9, 9), (9, 9), (3, 3)]
    assert fields[-1].cells((1, 2)) == (range(2, 18), range(6, 22))


def test_a_rectangular_stack_has_its_own_numbers_per_axis():
    layers = [ca.Conv(np.ones((1, 1, 3, 1)), stride=(1, 2), padding=(0, 1)), ca.AvgPool((2, 3), stride=(2, 1))]
    f = receptive_field(layers, (10, 9))[-1]
    assert f.size == (3 + 1, 1 + 2 * 2) and f.jump == (2, 2) and f.start == (0, -1)


def test_flatten_and_a_window_that_does_not_fit_are_named():
    with pytest.raises(ValueError, match=r"layer 2 \(Flatten\): receptive fields are for maps"):
        receptive_field([conv(3), ca.Flatten()], 8)
    with pytest.raises(ValueError, match=r"layer 2 \(Conv\) on maps of 2×2: its window \(kernel \(3, 3\)"):
        receptive_field([conv(3), conv(3)], 4)
    with pytest.raises(ValueError, match=r"unit \(2, 0\) is outside the last stage's 2×2 maps"):
        receptive_box([conv(3)], 4, (2, 0))


# -- receptive boxes against autograd --------------------------------------------------------------------
def random_stack(rng):
    layers = []
    for _ in range(rng.integers(1, 5)):
        kind = rng.choice(["conv", "conv", "relu", "avg", "max"])
        if kind == "conv":
            k, d = int(rng.integers(1, 4)), int(rng.integers(1, 3))
            mode = str(rng.choice(["zeros", "zeros", "reflect", "replicate", "circular"]))
            layers.append(ca.Conv(rng.uniform(0.5, 1.5, (1, 1, k, k)), None, int(rng.integers(1, 3)),
                                  int(rng.integers(0, 3)), d, 1, mode))
        elif kind == "relu":
            layers.append(ca.ReLU())
        elif kind == "avg":
            k = int(rng.integers(2, 4))
            layers.append(ca.AvgPool(k, int(rng.integers(1, 3)), int(rng.integers(0, k // 2 + 1)),
                                     bool(rng.integers(0, 2))))
        else:
            k = int(rng.integers(2, 4))
            layers.append(ca.MaxPool(k, int(rng.integers(1, 3)), int(rng.integers(0, k // 2 + 1)),
                                     int(rng.integers(1, 3))))
    return layers


def test_receptive_box_bounds_exactly_the_cells_autograd_reaches():
    rng = np.random.default_rng(7)
    checked = 0
    while checked < 60:
        layers, size = random_stack(rng), (int(rng.integers(6, 16)), int(rng.integers(6, 16)))
        try:
            fields = receptive_field(layers, size)
        except ValueError:
            continue  # a window that does not fit: drawn again
        x = torch.from_numpy(rng.uniform(0.5, 1.5, (1, 1, *size))).requires_grad_()
        try:
            out = torch_forward(layers, x)
        except RuntimeError:
            continue  # torch's own limits on padding (reflect needs padding < size): drawn again
        assert tuple(out.shape[2:]) == fields[-1].shape
        unit = (int(rng.integers(0, out.shape[2])), int(rng.integers(0, out.shape[3])))
        out[0, 0, unit[0], unit[1]].backward()
        reached = np.argwhere(x.grad[0, 0].numpy() != 0)
        box = receptive_box(layers, size, unit)
        if reached.size == 0:
            assert box == (range(0, 0), range(0, 0))
        else:
            assert box == (range(reached[:, 0].min(), reached[:, 0].max() + 1),
                           range(reached[:, 1].min(), reached[:, 1].max() + 1)), (layers, size, unit)
        # The closed form, clipped to the input, contains the box (it counts padding as input).
        if all(layer.padding_mode == "zeros" for layer in layers if isinstance(layer, ca.Conv)) and reached.size:
            rows, cols = fields[-1].cells(unit)
            assert rows.start <= box[0].start and box[0].stop <= rows.stop
            assert cols.start <= box[1].start and box[1].stop <= cols.stop
        checked += 1


def test_zero_padding_is_not_input_so_the_box_starts_later_than_the_closed_form():
    # Two 3×3 convs with padding 2: unit (0, 0)'s closed form starts at −4, but its first windows read padding.
    layers = [conv(3, padding=2), conv(3, padding=2)]
    field = receptive_field(layers, 6)[-1]
    assert field.cells((0, 0))[0] == range(-4, 1)
    assert receptive_box(layers, 6, (0, 0)) == (range(0, 1), range(0, 1))
    # Reflect padding copies input cells: the same windows reach cells 0..2.
    reflect = [conv(3, padding=2, mode="reflect"), conv(3, padding=2, mode="reflect")]
    assert receptive_box(reflect, 6, (0, 0))[0] == range(0, 3)
