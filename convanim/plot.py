"""Notebook plots of convanim's records (matplotlib; ``pip install "convanim[plot]"``).

``import convanim`` never imports this module; ``import convanim.plot``
needs matplotlib.  Every function returns a :class:`matplotlib.figure.Figure`
(not registered with pyplot, so nothing piles up in long notebooks; Jupyter
shows a returned figure inline):

- :func:`plot_feature_maps` -- maps (C, H, W) as a grid of images;
- :func:`plot_kernels` -- weights (F, C, KH, KW) as F rows × C columns, numbers written in small kernels;
- :func:`plot_im2col` -- the im2col matrix as an image, columns grouped by channel;
- :func:`plot_partial_sums` -- how one output value builds up: bias, then each channel's window sum;
- :func:`plot_pipeline` -- the first maps of every stage of :func:`convanim.run_pipeline`;
- :func:`plot_weight_gradient` -- how one weight's gradient builds up, window by window (backward pass);
- :func:`plot_training` -- the loss of a training run step by step, and its kernel at the start and the end.

Each takes ``language`` (``en``, ``th``, ``ja``, ``zh-Hans``, ``zh-Hant``,
``de``, as the scenes' option): titles and axis labels come from the same
catalogues (``convanim.languages``), drawn with DejaVu Sans and the
language's script font.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Sequence

import numpy as np

try:
    from matplotlib.figure import Figure
except ImportError:  # pragma: no cover - exercised by tests with matplotlib hidden
    raise ImportError('convanim.plot needs matplotlib: pip install "convanim[plot]"') from None

from .arguments import as_numeric_array
from .languages import language_of, lookup, translate
from .statements import decimals_for, format_number
from .arithmetic.backward_trace import ConvGradTrace
from .arithmetic.trace import ConvTrace
from .networks.pipeline import stage_name

#: The script font matplotlib draws each language's words with (after DejaVu Sans), as (family, its file's
#: name); the file is the one of the language's script font's Debian package.  matplotlib registers one face
#: per font file; a .ttc's first face (Noto Sans CJK JP) also has every simplified and traditional Chinese
#: character.
SCRIPT_FONTS = {
    "th": ("Tlwg Typo", "TlwgTypo.otf"),
    "ja": ("Noto Sans CJK JP", "NotoSansCJK-Regular.ttc"),
    "zh-Hans": ("Noto Sans CJK JP", "NotoSansCJK-Regular.ttc"),
    "zh-Hant": ("Noto Sans CJK JP", "NotoSansCJK-Regular.ttc"),
}


@functools.lru_cache(maxsize=None)
def font_families(language: str) -> tuple[str, ...]:
    """matplotlib's ``font.family`` for ``language``: DejaVu Sans, then its script font.

    The script font's file is registered with matplotlib (its font list may
    predate the font's install); a missing font raises RuntimeError naming
    the Debian package, instead of drawing boxes.
    """
    code = language_of(language).code
    if code not in SCRIPT_FONTS:
        return ("DejaVu Sans",)
    from matplotlib import font_manager

    family, file_name = SCRIPT_FONTS[code]
    package = language_of(code).packages[-1]  # the script font's package
    paths = [path for path in font_manager.findSystemFonts() if Path(path).name == file_name]
    if not paths:
        raise RuntimeError(f"language={code!r} needs the font {family!r} ({file_name}), which is not installed: "
                           f"apt-get install {package}")
    font_manager.fontManager.addfont(paths[0])
    return ("DejaVu Sans", family)


def in_language(function):
    """The plot function draws in its ``language`` keyword's fonts (matplotlib's rc_context around it)."""

    @functools.wraps(function)
    def drawn(*args, language: str = "en", **kwargs):
        import matplotlib

        with matplotlib.rc_context({"font.family": list(font_families(language))}):
            return function(*args, language=language, **kwargs)

    return drawn


class Words:
    """``tr(message, **fields)``: a plot's words in ``language`` (the catalogues' English ids)."""

    def __init__(self, language: str):
        self.language = language_of(language).code

    def __call__(self, message: str, **fields) -> str:
        return translate(self.language, message, **fields)

    def lookup(self, message: str) -> str:
        return lookup(self.language, message)


MAX_FIGURE = (16.0, 20.0)  # inches (width, height): a large grid shrinks its cells instead of growing past this


def _cell_inches(rows: int, cols: int, cell: float) -> float:
    """The side of one panel: ``cell`` inches, smaller when ``rows`` × ``cols`` panels would exceed MAX_FIGURE."""
    return min(cell, MAX_FIGURE[0] / cols, MAX_FIGURE[1] / rows)


def _grid_figure(rows: int, cols: int, cell: float = 2.2) -> tuple[Figure, np.ndarray]:
    cell = _cell_inches(rows, cols, cell)
    fig = Figure(figsize=(cell * cols, cell * rows), layout="constrained")
    axes = np.atleast_2d(fig.subplots(rows, cols, squeeze=False))
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    return fig, axes


@in_language
def plot_feature_maps(maps: object, titles: Sequence[str] | None = None, cmap: str = "gray",
                      columns: int | None = None, colorbar: bool = False, language: str = "en") -> Figure:
    """Feature maps (C, H, W) (or one (H, W) map) as a grid of images, each on its own colour scale."""
    tr = Words(language)
    arr = as_numeric_array("maps", maps)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        raise ValueError(f"maps must be (C, H, W) or (H, W); got shape {arr.shape}")
    c = arr.shape[0]
    if titles is not None and len(titles) != c:
        raise ValueError(f"titles has {len(titles)} entries for {c} maps")
    columns = min(c, 4) if columns is None else columns
    rows = -(-c // columns)
    fig, axes = _grid_figure(rows, columns)
    for k, ax in enumerate(axes.flat):
        if k >= c:
            ax.set_axis_off()
            continue
        image = ax.imshow(arr[k], cmap=cmap, interpolation="nearest")
        ax.set_title(titles[k] if titles else tr("map {k}  {shape}", k=k, shape=f"{arr.shape[1]}×{arr.shape[2]}"),
                     fontsize=9)
        if colorbar:
            fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


@in_language
def plot_kernels(weight: object, cmap: str = "coolwarm", annotate_up_to: int = 5, decimals: int = 2,
                 language: str = "en") -> Figure:
    """Kernels (F, C, KH, KW) as F rows × C columns; kernels up to ``annotate_up_to`` taps a side show numbers.

    One symmetric colour scale for all kernels, so colours compare across filters.
    """
    tr = Words(language)
    w = as_numeric_array("weight", weight)
    if w.ndim != 4:
        raise ValueError(f"weight must be 4-d (F, C, KH, KW); got shape {w.shape}")
    f, c, kh, kw = w.shape
    limit = float(np.max(np.abs(w))) or 1.0
    fig, axes = _grid_figure(f, c, cell=1.6)
    integral = np.issubdtype(w.dtype, np.integer)
    texts = [[format_number(v, 0 if integral else decimals) for v in kernel.flat] for kernel in w.reshape(f * c, -1)]
    widest = max(len(t) for kernel in texts for t in kernel)
    # A number must fit its tap: the panel's width in points over the taps, about 0.6 em per character.
    tap_points = 72 * fig.get_figwidth() / c / max(kh, kw)
    font = min(8.0, 0.8 * tap_points / (0.6 * widest))
    title_font = min(8.0, 72 * fig.get_figwidth() / c / 12)
    for i in range(f):
        for j in range(c):
            ax = axes[i, j]
            ax.imshow(w[i, j], cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")
            ax.set_title(tr("filter {i}, channel {j}", i=i, j=j), fontsize=title_font)
            if max(kh, kw) <= annotate_up_to and font >= 4:
                for (y, x), text in zip(np.ndindex(kh, kw), texts[i * c + j]):
                    ax.text(x, y, text, ha="center", va="center", fontsize=font)
    return fig


@in_language
def plot_im2col(cols: object, kernel_shape: tuple[int, int, int] | None = None, cmap: str = "viridis",
                language: str = "en") -> Figure:
    """The im2col matrix (rows = windows, columns = C·KH·KW taps) as an image.

    With ``kernel_shape`` (C, KH, KW) white lines separate the channels' column blocks.
    """
    tr = Words(language)
    m = as_numeric_array("cols", cols)
    if m.ndim != 2:
        raise ValueError(f"cols must be 2-d (windows, C·KH·KW); got shape {m.shape}")
    fig = Figure(figsize=(min(3 + 0.25 * m.shape[1], 12), min(2 + 0.12 * m.shape[0], 9)), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(m, cmap=cmap, aspect="auto", interpolation="nearest")
    fig.colorbar(image, ax=ax)
    ax.set_xlabel(tr("column = c·KH·KW + ky·KW + kx"))
    ax.set_ylabel(tr("row = window (oy·OW + ox)"))
    ax.set_title(tr("im2col matrix {shape}", shape=f"{m.shape[0]}×{m.shape[1]}"))
    if kernel_shape is not None:
        c, kh, kw = kernel_shape
        if c * kh * kw != m.shape[1]:
            raise ValueError(f"kernel_shape {kernel_shape} has {c * kh * kw} taps; the matrix has {m.shape[1]} columns")
        for k in range(1, c):
            ax.axvline(k * kh * kw - 0.5, color="white", linewidth=2)
    return fig


@in_language
def plot_partial_sums(trace: ConvTrace, filter: int, oy: int, ox: int, decimals: int = 2,
                      language: str = "en") -> Figure:
    """How output[filter, oy, ox] builds up: a bar from the bias, one bar per channel's window sum.

    Each bar starts where the running sum stood (the trace's ``running``) and
    ends where that channel's sum takes it; the last level is the output.  Each
    channel's bar is labelled with its own window sum (``+58``), each level with
    the running sum; float values are written with ``decimals`` places.
    """
    tr = Words(language)
    f, oh, ow = trace.output.shape
    for name, value, size in (("filter", filter, f), ("oy", oy, oh), ("ox", ox, ow)):
        if not 0 <= value < size:
            raise ValueError(f"{name} must be in 0..{size - 1} for output shape {trace.output.shape}; got {value}")
    running = np.asarray(trace.running[filter, oy, ox])      # (Cg + 1,)
    places = decimals_for(running, decimals)
    sums = np.asarray(trace.channel_sums[filter, oy, ox])    # (Cg,)
    first = trace.group_of(filter) * trace.channels_per_filter
    labels = [tr("bias")] + [tr("channel {channel}", channel=first + c) for c in range(len(sums))]
    starts = np.concatenate([[0.0], running[:-1]]).astype(float)
    heights = np.concatenate([[running[0]], sums]).astype(float)
    fig = Figure(figsize=(min(2.0 + 1.1 * len(labels), MAX_FIGURE[0]), 3.6), layout="constrained")
    ax = fig.subplots()
    colors = ["#8E24AA"] + ["#E53935" if s >= 0 else "#1E88E5" for s in sums]
    ax.bar(range(len(labels)), heights, bottom=starts, color=colors)
    font = min(8.0, 72 * 1.1 / 6)
    for k, level in enumerate(running):
        ax.hlines(level, k - 0.4, k + 1.4 if k + 1 < len(labels) else k + 0.4, colors="#555555", linewidth=1)
        ax.annotate(format_number(level, places), (k, level), textcoords="offset points",
                    xytext=(0, 3 if level >= starts[k] else -10), ha="center", fontsize=font, gid="level")
    for k, own in enumerate(sums, start=1):  # each channel's own window sum, inside its bar
        sign = "+" if own >= 0 else ""
        ax.annotate(f"{sign}{format_number(own, places)}", (k, starts[k] + heights[k] / 2), ha="center", va="center",
                    fontsize=font, color="white", gid="channel sum")
    ax.set_xticks(range(len(labels)), labels, fontsize=font)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.margins(y=0.15)
    ax.set_title(tr("{y} = {value}: the bias, then each channel's window sum", y=f"y[{filter},{oy},{ox}]",
                    value=format_number(running[-1], places)), fontsize=9, wrap=True)
    return fig


@in_language
def plot_pipeline(stages: Sequence, max_maps: int = 4, cmap: str = "gray", language: str = "en") -> Figure:
    """The first ``max_maps`` maps of each stage of :func:`convanim.run_pipeline`, one column per stage
    (a Flatten or Linear stage's vector as one row of cells)."""
    tr = Words(language)
    if not stages:
        raise ValueError("stages is empty; pass the list run_pipeline returned")
    rows = min(max_maps, max(s.output.shape[0] if s.output.ndim == 3 else 1 for s in stages))
    fig, axes = _grid_figure(rows, len(stages), cell=1.7)
    for j, stage in enumerate(stages):
        axes[0, j].set_title(f"{stage_name(stage.name, tr.lookup)}\n{'×'.join(map(str, stage.shape))}", fontsize=8)
        maps = stage.output if stage.output.ndim == 3 else stage.output[None, None]  # a vector: one row
        for i in range(rows):
            if i < maps.shape[0]:
                axes[i, j].imshow(maps[i], cmap=cmap, interpolation="nearest", aspect="auto")
            else:
                axes[i, j].set_axis_off()
    return fig


#: Up to this many output positions a weight's terms are drawn as labelled bars; past it, as a line.
MAX_LABELLED_TERMS = 16


@in_language
def plot_weight_gradient(trace: ConvGradTrace, filter: int, channel: int, ky: int, kx: int,
                         decimals: int = 2, language: str = "en") -> Figure:
    """How dL/dw[filter, channel, ky, kx] builds up: one term x·g per output position, and their running sum.

    Left, the terms laid out as the output grid (OH, OW), each written
    ``x·g``; right, the running sum (``trace.weight_running``) after each
    position in row-major order, ending on the gradient.
    """
    tr = Words(language)
    f, cg, kh, kw = trace.weight.shape
    for name, value, size in (("filter", filter, f), ("channel", channel, cg), ("ky", ky, kh), ("kx", kx, kw)):
        if not 0 <= value < size:
            raise ValueError(f"{name} must be in 0..{size - 1} for weight shape {trace.weight.shape}; got {value}")
    terms = np.asarray(trace.weight_terms[filter, channel, ky])[kx]          # (OH, OW)
    running = np.asarray(trace.weight_running[filter, channel, ky])[kx]      # (OH·OW,)
    places = decimals_for(np.concatenate([terms.ravel(), running]), decimals)
    oh, ow = terms.shape
    cell = _cell_inches(oh, ow + oh, 0.9)
    fig = Figure(figsize=(min(cell * ow + 5.0, MAX_FIGURE[0]), max(cell * oh, 3.0) + 0.8), layout="constrained")
    grid_ax, sum_ax = fig.subplots(1, 2, width_ratios=[max(ow, 2), 5])
    limit = float(np.abs(terms).max()) or 1.0
    grid_ax.imshow(terms.astype(float), cmap="coolwarm", vmin=-limit, vmax=limit)
    grid_ax.set_xticks([])
    grid_ax.set_yticks([])
    if oh * ow <= MAX_LABELLED_TERMS:
        t = trace.geometry
        for oy in range(oh):
            for ox in range(ow):
                y, x = oy * t.stride[0] + ky * t.dilation[0], ox * t.stride[1] + kx * t.dilation[1]
                x_value = trace.padded[trace.group_of(filter) * cg + channel, y, x]
                text = (f"{format_number(x_value, places)}·{format_number(trace.grad_output[filter, oy, ox], places)}"
                        f"\n= {format_number(terms[oy, ox], places)}")
                grid_ax.text(ox, oy, text, ha="center", va="center", fontsize=7, gid="term")
    grid_ax.set_title(tr("x · {map} at each output position", map=f"dL/dy[{filter}]"), fontsize=9)
    positions = np.arange(1, running.size + 1)
    if running.size <= MAX_LABELLED_TERMS:
        starts = np.concatenate([[0.0], running[:-1]]).astype(float)
        sum_ax.bar(positions, terms.ravel().astype(float), bottom=starts,
                   color=["#E53935" if v >= 0 else "#1E88E5" for v in terms.ravel()])
        for k, level in zip(positions, running):
            sum_ax.annotate(format_number(level, places), (k, level), textcoords="offset points", xytext=(0, 3),
                            ha="center", fontsize=7, gid="running")
    else:
        sum_ax.plot(positions, running.astype(float), color="#E53935")
    sum_ax.axhline(0, color="black", linewidth=0.8)
    sum_ax.set_xlabel(tr("output position (row by row)"), fontsize=8)
    sum_ax.set_title(f"dL/dw[{filter},{channel},{ky},{kx}] = {format_number(running[-1], places)}", fontsize=9)
    return fig


@in_language
def plot_training(run, language: str = "en") -> Figure:
    """A :class:`convanim.TrainingRun`: its loss at each step (log scale), and the first filter's first
    kernel channel at the start and at the end, numbers written."""
    tr = Words(language)
    losses = run.losses
    fig = Figure(figsize=(9.0, 3.2), layout="constrained")
    loss_ax, start_ax, end_ax = fig.subplots(1, 3, width_ratios=[3, 1.3, 1.3])
    loss_ax.semilogy(np.arange(len(losses)), losses, marker="o", color="#E53935")
    loss_ax.set_xlabel(tr("step"))
    loss_ax.set_title(tr("mean squared error"), fontsize=9)
    for ax, weight, title in ((start_ax, run.steps[0].weight, tr("kernel at step {n}", n=0)),
                              (end_ax, run.final_weight, tr("after {n} steps", n=len(losses)))):
        kernel = np.asarray(weight)[0, 0]
        limit = float(np.abs(kernel).max()) or 1.0
        ax.imshow(kernel, cmap="coolwarm", vmin=-limit, vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
        if kernel.size <= 25:
            for (r, c), value in np.ndenumerate(kernel):
                ax.text(c, r, format_number(value, 2), ha="center", va="center", fontsize=8, gid="weight")
        ax.set_title(title, fontsize=9)
    return fig
