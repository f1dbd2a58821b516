"""Check what a caption states, independently of convanim.statements.

Captions are parsed back into Python expressions over ``Fraction``s (the
numbers exactly as written) and evaluated here, so a test that uses this
checks the screen against arithmetic, not against the code that wrote it.
"""
from __future__ import annotations

import decimal
import math
import re
from fractions import Fraction

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _nanmax(*args):
    for a in args:
        if isinstance(a, float) and math.isnan(a):
            return a
    return max(args)


def _sqrt(value):
    """√ of an exact value, as a Fraction good to 50 digits (NaN and ∞ stay floats)."""
    if isinstance(value, float):
        return math.sqrt(value) if value >= 0 else math.nan
    with decimal.localcontext() as context:
        context.prec = 50
        root = (decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator)).sqrt()
    return Fraction(root)


def value_of(text: str):
    """The exact value of a written expression (Fraction, or float for NaN/∞); ValueError if it has words."""
    expr = text.strip()
    if not expr or re.search(r"[A-Za-z_]", expr.replace("NaN", "").replace("max", "")):
        raise ValueError(f"not arithmetic: {text!r}")
    if re.search(r"[^\d.\s()+\-−·×÷/,∞NaNmx⌊⌋⌈⌉√]", expr):
        raise ValueError(f"not arithmetic: {text!r}")
    expr = (expr.replace("−", "-").replace("·", "*").replace("×", "*").replace("÷", "/")
            .replace("NaN", "NAN").replace("∞", "INF")
            .replace("√", "SQRT").replace("⌊", "FLOOR(").replace("⌋", ")").replace("⌈", "CEIL(").replace("⌉", ")"))
    expr = _NUMBER.sub(lambda m: f"F('{m.group(0)}')", expr)
    try:
        return eval(expr, {"__builtins__": {}}, {"F": Fraction, "NAN": math.nan, "INF": math.inf, "max": _nanmax,
                                                 "FLOOR": math.floor, "CEIL": math.ceil, "SQRT": _sqrt})
    except (SyntaxError, TypeError, NameError, ZeroDivisionError) as err:
        raise ValueError(f"not arithmetic: {text!r} ({err})") from None


def places(text: str) -> int:
    match = re.search(r"\.(\d+)\s*$", text.strip())
    return len(match.group(1)) if match else 0


def agrees(left, right_text: str) -> bool:
    """``left`` rounds to the written ``right_text`` (half a unit of its last digit, inclusive)."""
    right = value_of(right_text)
    if isinstance(left, float) or isinstance(right, float):
        lf, rf = float(left), float(right)
        if math.isnan(lf) or math.isnan(rf):
            return math.isnan(lf) and math.isnan(rf)
        return lf == rf
    return abs(left - right) <= Fraction(1, 2 * 10 ** places(right_text))


def clauses(text: str) -> list[list[tuple[str, str]]]:
    """Each ``;`` clause of a caption as ``[(relation, part), ...]`` (first relation ``""``)."""
    out = []
    for clause in text.replace("\n", " ").split(";"):
        pieces = re.split(r" (=|≈) ", clause.strip())
        parts = [("", pieces[0].strip())]
        parts += [(pieces[k], pieces[k + 1].strip()) for k in range(1, len(pieces), 2)]
        out.append(parts)
    return out


def arithmetic_problems(text: str) -> list[str]:
    """Every ``=`` between two arithmetic parts must hold at the precision written; ``≈`` is not checked."""
    problems = []
    for parts in clauses(text):
        for (_, left), (relation, right) in zip(parts, parts[1:]):
            try:
                lv = value_of(left)
                value_of(right)
            except ValueError:
                continue
            if relation == "=" and not agrees(lv, right):
                problems.append(f"{text!r}: {left} = {right} does not hold ({float(lv)!r})")
    return problems


def labelled_totals(text: str) -> list[tuple[str, str]]:
    """``(label, final part)`` for each clause whose first part is a label followed by a chain."""
    out = []
    for parts in clauses(text):
        if len(parts) >= 2:
            try:
                value_of(parts[0][1])
            except ValueError:
                out.append((parts[0][1], parts[-1][1]))
    return out


#: The caption and narration languages the tests speak.
LANGUAGES = ["en", "th", "ja", "zh-Hans", "zh-Hant", "de"]
NUMBER = re.compile(r"(?<![A-Za-z])[−-]?\d+(?:\.\d+)?")  # not the 2 of im2col


def numbers(text):
    """Every number said, as floats (U+2212 read as minus); map, row and column indices included."""
    return [float(n.replace("−", "-")) for n in NUMBER.findall(text)]
