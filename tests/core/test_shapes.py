"""The size formulas, on hand-worked cases (Dumoulin & Visin's figures, the Keras article's layers)."""
import pytest

from convanim import output_size, param_count, transpose_output_size


@pytest.mark.parametrize("i,k,s,p,d,o", [
    (4, 3, 1, 0, 1, 2),   # no padding, unit strides
    (5, 4, 1, 2, 1, 6),   # arbitrary padding
    (5, 3, 1, 1, 1, 5),   # half padding
    (5, 3, 1, 2, 1, 7),   # full padding
    (5, 3, 2, 0, 1, 2),   # strides
    (5, 3, 2, 1, 1, 3),   # strides with padding
    (6, 3, 2, 1, 1, 3),   # odd case
    (7, 3, 1, 0, 2, 3),   # dilation
    (28, 5, 1, 0, 1, 24),
])
def test_output_size_guide_cases(i, k, s, p, d, o):
    assert output_size(i, k, s, p, d) == o


@pytest.mark.parametrize("i,k,s,p,op,o", [
    (2, 3, 1, 0, 0, 4),   # transpose of no padding, unit strides
    (6, 4, 1, 2, 0, 5),   # transpose of arbitrary padding
    (2, 3, 2, 0, 0, 5),   # transpose of strides
    (3, 3, 2, 1, 0, 5),   # transpose of strides with padding
    (3, 3, 2, 1, 1, 6),   # odd case needs output_padding 1 to get 6 back
])
def test_transpose_output_size_inverts_the_guide_cases(i, k, s, p, op, o):
    assert transpose_output_size(i, k, s, p, op) == o


def test_param_counts_of_the_articles_layers():
    assert param_count(3, 3, 3) == 3 * 3 * 3 * 3 + 3 == 84
    assert param_count(3, 3, 10) == 10 * 10 * 3 * 3 + 3 == 903
    assert param_count(3, 1, 3) == 28
    assert param_count(3, 1, 20) == 1201
    assert param_count(4, 6, (3, 3), bias=False, groups=2) == 6 * 2 * 9
    with pytest.raises(ValueError, match="groups=3 must divide"):
        param_count(4, 6, 3, groups=3)


def test_formulas_show_the_numbers_and_the_value():
    from convanim import output_size_formula, transpose_output_size_formula
    assert output_size_formula(6, 3, 2, 1).endswith("= ⌊(6 + 2·1 − 1·(3−1) − 1)/2⌋ + 1 = 3")
    assert output_size_formula(7, 3, 1, 0, 2).endswith("= 3")
    assert transpose_output_size_formula(3, 3, 2, 1, 1).endswith("= (3−1)·2 − 2·1 + 1·(3−1) + 1 + 1 = 6")


def test_coverage_marks_the_cells_no_window_visits():
    from convanim.arithmetic.geometry import sliding_geometry
    odd = sliding_geometry((6, 6), 3, 2, 1, 1).coverage()   # i=6, k=3, p=1, s=2
    assert (odd[7] == 0).all() and (odd[:, 7] == 0).all() and (odd[:7, :7] > 0).all()
    even = sliding_geometry((5, 5), 3, 2, 1, 1).coverage()  # i=5: every padded cell is visited
    assert (even > 0).all()
    assert sliding_geometry((4, 4), 3, 1, 0, 1).coverage()[1, 1] == 4  # centre cells lie in all 4 windows
