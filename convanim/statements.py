"""Statements: the arithmetic a scene writes on screen, built from a trace so that it holds as shown.

One rule for every caption that states a computation:

- Numbers are written one way (:func:`format_number`): integers whole,
  floats with ``decimals`` places, ``NaN``, ``∞``, ``−∞``, and a minus sign
  (U+2212) for negative numbers, as the grids draw them.
- A statement labelled ``y[...]`` states that output's *final* value;
  a partial result says what it is (``after channel 0: y[0,0,0] so far = …``).
- A chain written with ``=`` holds at the precision shown: evaluated
  exactly from the numbers as written, the left side rounds to the right
  side (a sum of terms with ``d`` decimals must give the total exactly).
  When rounding the terms breaks that, the chain is written with ``≈``
  and ``Statement.approximate`` tells the scene to say so once.

Nothing here imports manim: scenes turn a :class:`Statement` into text with
``str(statement)``, and tests parse that text back with :func:`evaluate`.
The few words a statement carries ("after channel 0: … so far") are English
message ids; a scene passes ``lookup`` (its language's catalogue, see
``convanim.languages``) to have them in the viewer's language.
"""
from __future__ import annotations

import decimal
import numbers as _numbers
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, Sequence

import numpy as np



def N_(message: str) -> str:
    """Mark ``message`` for the catalogues (gettext's no-op marker); it is translated where it is shown."""
    return message


def untranslated(message: str) -> str:
    """The default ``lookup``: the English message id itself."""
    return message


MINUS = "−"
TIMES = "·"
#: The note a scene shows (once) when a statement uses ``≈``.
APPROXIMATE_NOTE = N_("≈: each number is shown rounded, so the rounded terms miss the total by a last digit")

_EXACT = decimal.Context(prec=60, traps=[])


def is_integral(value: object) -> bool:
    """True for Python and numpy integers (not for floats that happen to be whole)."""
    return isinstance(value, (_numbers.Integral, np.integer)) and not isinstance(value, bool)


def decimals_for(array: object, decimals: int) -> int:
    """How many decimals an array is written with: 0 for integer arrays, else ``decimals``."""
    kind = np.asarray(array).dtype.kind
    return 0 if kind in "iub" else decimals


def format_number(value: object, decimals: int = 0) -> str:
    """``value`` as written on screen: ``7``, ``−0.65``, ``NaN``, ``∞``, ``−∞`` (never ``-0.00``)."""
    if is_integral(value):
        text = str(int(value))
    else:
        v = float(value)  # type: ignore[arg-type]
        if np.isnan(v):
            return "NaN"
        if np.isinf(v):
            return f"{MINUS}∞" if v < 0 else "∞"
        text = f"{v:.{decimals}f}"
        if text.startswith("-") and float(text) == 0:
            text = text[1:]
    return MINUS + text[1:] if text.startswith("-") else text


def factor(value: object, decimals: int) -> str:
    """A number written as a factor of a product: negative ones in brackets, ``(−3)``."""
    text = format_number(value, decimals)
    return f"({text})" if text.startswith(MINUS) else text


def join_terms(texts: Sequence[str]) -> str:
    """``a + b − c``: terms joined by plus, a negative term written as a subtraction."""
    out = texts[0]
    for text in texts[1:]:
        out += f" {MINUS} {text[1:]}" if text.startswith(MINUS) else f" + {text}"
    return out


@dataclass(frozen=True)
class Statement:
    """``label = expression = total`` (or ``≈``), with every number as written.

    ``label`` names what the total is (``y[0,0,0]``, ``after channel 0:
    y[0,0,0] so far``, ``Σ channel 1``); ``expression`` the arithmetic; ``total``
    the result; ``relation`` ``=`` or ``≈`` between expression and total;
    ``note`` an optional clause after a semicolon (``index = 1·4 + 1 = 5``).
    """

    label: str
    expression: str
    total: str
    relation: str = "="
    note: str = ""

    @property
    def approximate(self) -> bool:
        return self.relation == "≈"

    def __str__(self) -> str:
        head = f"{self.label} = " if self.label else ""
        text = f"{head}{self.expression} {self.relation} {self.total}"
        return f"{text}; {self.note}" if self.note else text


def holds(expression: str, total: str) -> bool:
    """True when ``expression``, evaluated exactly from its written numbers, rounds to ``total``.

    The rule of the module docstring: the difference is at most half a unit
    of the total's last written digit (zero for sums of equally rounded
    terms).  NaN equals NaN; infinities must match exactly.
    """
    left, right = evaluate(expression), evaluate(total)
    if left.is_nan() or right.is_nan():
        return left.is_nan() and right.is_nan()
    if left.is_infinite() or right.is_infinite():
        return left == right
    places = _decimal_places(total)
    return abs(_EXACT.subtract(left, right)) <= Decimal(5).scaleb(-places - 1)


def _decimal_places(text: str) -> int:
    match = re.search(r"\.(\d+)", text)
    return len(match.group(1)) if match else 0


def relation_for(expression: str, total: str) -> str:
    """``=`` when the chain holds as written, else ``≈``."""
    return "=" if holds(expression, total) else "≈"


def sum_statement(label: str, terms: Iterable[object], total: object, decimals: int,
                  total_decimals: int | None = None) -> Statement:
    """``label = t0 + t1 − t2 = total`` with the terms and the total rounded to ``decimals``."""
    expression = join_terms([format_number(v, decimals) for v in terms])
    shown_total = format_number(total, decimals if total_decimals is None else total_decimals)
    return Statement(label, expression, shown_total, relation_for(expression, shown_total))


def products_statement(label: str, xs: Iterable[object], ws: Iterable[object], total: object,
                       x_decimals: int, w_decimals: int, total_decimals: int) -> Statement:
    """``label = x·w + x·w + … = total``: a window's products written out, input value first."""
    expression = join_terms([f"{factor(x, x_decimals)}{TIMES}{factor(w, w_decimals)}" for x, w in zip(xs, ws)])
    shown_total = format_number(total, total_decimals)
    return Statement(label, expression, shown_total, relation_for(expression, shown_total))


def batch_norm_statement(trace, c: int, i: int, j: int, decimals: int, label: str = "y") -> Statement:
    """One cell of an inference batch norm written out from its trace (:class:`~convanim.BatchNormTrace`):
    ``y = (x − mean) / std · γ + β = total`` at channel ``c``, row ``i``, column ``j`` of a (C, H, W) trace, every
    number rounded to ``decimals`` places (``≈`` when the rounded numbers do not give the rounded total)."""
    x = trace.input[c, i, j]
    centred = f"({format_number(x, decimals)} {MINUS} {factor(trace.mean[c], decimals)})"
    expression = f"{centred} / {factor(trace.std[c], decimals)} {TIMES} {factor(trace.weight[c], decimals)}"
    expression = join_terms([expression, format_number(trace.bias[c], decimals)])
    total = format_number(trace.output[c, i, j], decimals)
    return Statement(label, expression, total, relation_for(expression, total))


def constant_text(value: float) -> str:
    """A small constant such as a batch norm's ε written out in full (``0.00001``, never ``1e-05``)."""
    return np.format_float_positional(float(value), trim="-")


def fold_scale_statement(trace, f: int, decimals: int) -> Statement:
    """Filter ``f``'s factor when a batch norm is folded into its conv (a :class:`~convanim.FoldTrace`):
    ``s[f] = γ / √(σ² + ε) = 1.50 / √(0.25 + 0.00001) = 3.00``."""
    expression = (f"{factor(trace.weight[f], decimals)} / √({format_number(trace.var[f], decimals)} + "
                  f"{constant_text(trace.eps)})")
    total = format_number(trace.scale[f], decimals)
    return Statement(f"s[{f}] = γ / √(σ² + ε)", expression, total, relation_for(expression, total))


def fold_bias_statement(trace, f: int, decimals: int) -> Statement:
    """Filter ``f``'s folded bias: ``b′[f] = (b − μ) · s + β = (1 − 0.50) · 3.00 + (−0.30) = 1.20``, with ``s``
    as :func:`fold_scale_statement` writes it (``≈`` when its rounding shows)."""
    centred = f"({format_number(trace.conv_bias[f], decimals)} {MINUS} {factor(trace.mean[f], decimals)})"
    expression = join_terms([f"{centred} {TIMES} {factor(trace.scale[f], decimals)}",
                             format_number(trace.bias[f], decimals)])
    total = format_number(trace.folded.bias[f], decimals)
    return Statement(f"b′[{f}] = (b {MINUS} μ) {TIMES} s + β", expression, total, relation_for(expression, total))


def conv_cell_statement(trace, f: int, oy: int, ox: int, decimals: int, name: str = "y") -> Statement:
    """One output cell of a conv written out from its :class:`~convanim.ConvTrace`, every channel's products
    and the bias: ``y[f,oy,ox] = x·w + x·w + … + b = output`` (integer arrays whole, floats to ``decimals``)."""
    x_dec, w_dec = decimals_for(trace.input, decimals), decimals_for(trace.weight, decimals)
    terms = [f"{factor(x, x_dec)}{TIMES}{factor(w, w_dec)}"
             for x, w in zip(trace.window(f, oy, ox).ravel(), trace.weight[f].ravel())]
    if trace.has_bias:
        terms.append(format_number(trace.bias[f], decimals_for(trace.bias, decimals)))
    expression = join_terms(terms)
    total = format_number(trace.output[f, oy, ox], decimals_for(trace.output, decimals))
    return Statement(output_label(f, oy, ox, name, trace), expression, total, relation_for(expression, total))


def output_label(f: int, oy: int, ox: int, name: str = "y", trace=None) -> str:
    """``y[f,oy,ox]``: the label of an output cell (its final value); ``name`` tells two layers' outputs apart.
    With a ``trace``, its own indices (``y[f,ox]`` for a 1-D trace, see ``ConvTrace.output_index``)."""
    index = (f, oy, ox) if trace is None else trace.output_index(f, oy, ox)
    return f"{name}[{','.join(map(str, index))}]"


def running_statement(trace, step, decimals: int, lookup: Callable[[str], str] = untranslated,
                      name: str = "y") -> Statement:
    """The running sum of a ConvTrace step: ``y[f,oy,ox] = b + s0 + … = output`` after the last
    channel; ``after channel c: y[f,oy,ox] so far = b + s0 + … + sc = running`` before it.
    ``name`` replaces ``y`` where a scene shows two layers (``d[0,0,0]`` for a first layer's output).

    With a single term (no bias, one channel) the window's products are
    written out instead, so no statement reads ``y = 8 = 8``.
    """
    f, oy, ox, c = step.filter, step.oy, step.ox, step.channel
    cell = output_label(f, oy, ox, name, trace)
    final = c == step.num_channels - 1
    label = cell if final else lookup("after channel {channel}: {cell} so far").format(channel=step.input_channel,
                                                                                        cell=cell)
    terms = [trace.bias[f]] if trace.has_bias else []
    terms += [trace.channel_sums[f, oy, ox, k] for k in range(c + 1)]
    if len(terms) == 1:
        x_dec = decimals_for(trace.input, decimals)
        w_dec = decimals_for(trace.layer.weight, decimals)
        total_dec = decimals_for(trace.padded, decimals)
        return products_statement(label, step.window.ravel(), step.weights.ravel(), step.running_after,
                                  x_dec, w_dec, total_dec)
    return sum_statement(label, terms, step.running_after, decimals_for(trace.padded, decimals))


def channel_sum_statement(trace, step, decimals: int, lookup: Callable[[str], str] = untranslated) -> Statement:
    """``Σ channel c = x·w + x·w + … = s``: one channel's window products written out."""
    return products_statement(lookup("Σ channel {channel}").format(channel=step.input_channel), step.window.ravel(), step.weights.ravel(),
                              step.channel_sum, decimals_for(trace.input, decimals),
                              decimals_for(trace.layer.weight, decimals), decimals_for(trace.padded, decimals))


def frame_sum_statement(trace, step, frame: int | None, decimals: int, lookup: Callable[[str], str] = untranslated
                        ) -> Statement:
    """``Σ frame d = x·w + x·w + … = s``: the window of a 3-D conv's input plane ``frame`` (None: a padding plane,
    ``Σ padding frame``) times the kernel slice that reads it (``step`` from the output plane's trace, see
    :func:`convanim.trace_conv3d`)."""
    label = lookup("Σ padding frame") if frame is None else lookup("Σ frame {frame}").format(frame=frame)
    return products_statement(label, step.window.ravel(),
                              step.weights.ravel(), step.channel_sum, decimals_for(trace.input, decimals),
                              decimals_for(trace.layer.weight, decimals), decimals_for(trace.padded, decimals))


# -- reading statements back (tests, and anyone checking a caption) ------------------------------------

_TOKEN = re.compile(r"\s*(NaN|−∞|-∞|∞|\d+(?:\.\d+)?|max|[()+\-−·×*/÷,√])")


def evaluate(expression: str) -> Decimal:
    """The exact value of a written expression: numbers, ``+ − · × ÷ /``, brackets, ``max(…)`` and ``√``
    (to 60 digits).

    ``max`` follows PyTorch's max pooling: a NaN in the arguments wins.
    Raises ``ValueError`` for anything else (a word, an unbalanced bracket).
    """
    tokens = _tokenize(expression)
    value, rest = _sum(tokens)
    if rest:
        raise ValueError(f"cannot evaluate {expression!r}: unexpected {rest[0]!r}")
    return value


def _tokenize(expression: str) -> list[str]:
    tokens, pos = [], 0
    text = expression.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise ValueError(f"cannot evaluate {expression!r}: unexpected text at {text[pos:]!r}")
        tokens.append(match.group(1))
        pos = match.end()
    return tokens


def _sum(tokens: list[str]) -> tuple[Decimal, list[str]]:
    value, tokens = _product(tokens)
    while tokens and tokens[0] in ("+", "-", "−"):
        op, (rhs, tokens) = tokens[0], _product(tokens[1:])
        value = _EXACT.add(value, rhs) if op == "+" else _EXACT.subtract(value, rhs)
    return value, tokens


def _product(tokens: list[str]) -> tuple[Decimal, list[str]]:
    value, tokens = _unary(tokens)
    while tokens and tokens[0] in ("·", "×", "*", "/", "÷"):
        op, (rhs, tokens) = tokens[0], _unary(tokens[1:])
        value = _EXACT.multiply(value, rhs) if op in ("·", "×", "*") else _EXACT.divide(value, rhs)
    return value, tokens


def _unary(tokens: list[str]) -> tuple[Decimal, list[str]]:
    if not tokens:
        raise ValueError("cannot evaluate: the expression ends early")
    head = tokens[0]
    if head in ("-", "−"):
        value, rest = _unary(tokens[1:])
        return _EXACT.minus(value), rest
    if head == "(":
        value, rest = _sum(tokens[1:])
        if not rest or rest[0] != ")":
            raise ValueError("cannot evaluate: unbalanced bracket")
        return value, rest[1:]
    if head == "√":
        value, rest = _unary(tokens[1:])
        return _EXACT.sqrt(value), rest
    if head == "max":
        if len(tokens) < 2 or tokens[1] != "(":
            raise ValueError("cannot evaluate: max without brackets")
        args, rest = [], tokens[2:]
        while True:
            value, rest = _sum(rest)
            args.append(value)
            if rest and rest[0] == ",":
                rest = rest[1:]
                continue
            if rest and rest[0] == ")":
                break
            raise ValueError("cannot evaluate: unbalanced max(")
        nans = [a for a in args if a.is_nan()]
        return (nans[0] if nans else max(args)), rest[1:]
    if head == "NaN":
        return Decimal("NaN"), tokens[1:]
    if head == "∞":
        return Decimal("Infinity"), tokens[1:]
    if head in ("−∞", "-∞"):
        return Decimal("-Infinity"), tokens[1:]
    if re.fullmatch(r"\d+(?:\.\d+)?", head):
        return Decimal(head), tokens[1:]
    raise ValueError(f"cannot evaluate: unexpected {head!r}")
