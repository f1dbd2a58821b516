"""The statement rule, on hand-worked cases (the issue's own examples among them)."""
import numpy as np
import pytest

import convanim as ca
from convanim.statements import (Statement, format_number, products_statement, running_statement,
                                 sum_statement)
from statement_check import arithmetic_problems, labelled_totals, value_of


def test_one_spelling_for_numbers():
    assert format_number(7, 2) == "7"                      # integers never get decimals
    assert format_number(np.int64(-20), 2) == "−20"        # minus sign, not a hyphen
    assert format_number(-0.001, 2) == "0.00"              # no negative zero
    assert format_number(float("nan"), 2) == "NaN"
    assert format_number(float("-inf"), 2) == "−∞" and format_number(np.inf, 0) == "∞"
    assert format_number(0.125, 1) == "0.1" and format_number(-1.25, 1) == "−1.2"


def test_terms_that_do_not_add_up_are_written_with_approx():
    # The caption: 0.94 − 0.65 − 0.46 makes −0.17, but the exact total rounds to −0.18.
    terms = [0.9401, -0.6549, -0.4649]  # rounded: 0.94, -0.65, -0.46
    s = sum_statement("y[0,1,0]", terms, sum(terms), 2)
    assert str(s) == "y[0,1,0] = 0.94 − 0.65 − 0.46 ≈ −0.18" and s.approximate
    exact = sum_statement("y[0,1,0]", [0.94, -0.65, -0.46], -0.17, 2)
    assert str(exact) == "y[0,1,0] = 0.94 − 0.65 − 0.46 = −0.17" and not exact.approximate


def test_products_written_out_with_bracketed_negative_factors():
    s = products_statement("Σ channel 0", [3, 5, 0], [2, -1, 4], 1, 0, 0, 0)
    assert str(s) == "Σ channel 0 = 3·2 + 5·(−1) + 0·4 = 1"
    wrong = Statement("Σ", "3·2 + 5·(−1)", "2")
    assert arithmetic_problems(str(wrong))  # the checker can fail


def test_partial_sums_are_not_labelled_as_the_output():
    # Conv3x3 of the issue: y[0,0,0] = 58 + 190 + ... = 506, and after channel 0 the sum is only 248.
    x = np.zeros((2, 3, 3), dtype=np.int64)
    x[0] = 1
    x[1] = 2
    w = np.ones((1, 2, 3, 3), dtype=np.int64)
    t = ca.trace_conv2d(x, w, np.array([40]))
    first, last = t.step(0, 0, 0, 0), t.step(0, 1, 0, 0)
    partial, final = running_statement(t, first, 2), running_statement(t, last, 2)
    assert str(partial) == "after channel 0: y[0,0,0] so far = 40 + 9 = 49"
    assert str(final) == "y[0,0,0] = 40 + 9 + 18 = 67"
    assert t.output[0, 0, 0] == 67
    labels = dict(labelled_totals(str(final)))
    assert value_of(labels["y[0,0,0]"]) == t.output[0, 0, 0]


def test_a_single_term_is_written_as_its_products_not_as_y_equals_itself():
    x = np.arange(9).reshape(1, 3, 3)
    w = np.array([[[[1, 0, 2], [0, 1, 0], [1, 0, -1]]]])
    t = ca.trace_conv2d(x, w)  # one channel, no bias
    s = str(running_statement(t, t.step(0, 0, 0, 0), 2))
    # 0·1 + 1·0 + 2·2 + 3·0 + 4·1 + 5·0 + 6·1 + 7·0 + 8·(−1) = 6
    assert s == "y[0,0,0] = 0·1 + 1·0 + 2·2 + 3·0 + 4·1 + 5·0 + 6·1 + 7·0 + 8·(−1) = 6"
    assert not arithmetic_problems(s)


@pytest.mark.parametrize("text", ["y = 3 = 3", "max(1, NaN, 3) = NaN", "(1 + 2) ÷ 4 = 0.75", "2.5·(−2) = −5.0",
                                  "−∞ + 1 = −∞"])
def test_checker_accepts_true_chains(text):
    assert arithmetic_problems(text) == []


@pytest.mark.parametrize("text", ["y = 3 + 1 = 3", "max(1, 2, 3) = 2", "(1 + 2) ÷ 4 = 0.70", "0.94 − 0.65 − 0.46 = −0.18"])
def test_checker_rejects_false_chains(text):
    assert arithmetic_problems(text)
