"""convanim.plot: the figures draw the records' numbers; matplotlib stays optional."""
import subprocess
import sys

import numpy as np
import pytest

import convanim.plot as plot
from convanim import Conv, MaxPool, ReLU, conv2d, im2col, run_pipeline, trace_conv2d


def layer(seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 10, (3, 4, 4)), rng.integers(-3, 4, (2, 3, 3, 3)), np.array([40, -7])


def test_feature_maps_show_the_maps():
    x, w, b = layer()
    maps = conv2d(x, w, b)
    fig = plot.plot_feature_maps(maps, titles=["edge", "other"])
    images = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(images) == 2
    for k in range(2):
        np.testing.assert_array_equal(images[k], maps[k])
    assert [ax.get_title() for ax in fig.axes if ax.images] == ["edge", "other"]
    with pytest.raises(ValueError, match=r"maps must be \(C, H, W\) or \(H, W\); got shape \(4,\)"):
        plot.plot_feature_maps(np.zeros(4))


def test_kernels_show_weights_and_numbers():
    _, w, _ = layer()
    fig = plot.plot_kernels(w)
    axes = [ax for ax in fig.axes if ax.images]
    assert len(axes) == 6  # 2 filters × 3 channels
    np.testing.assert_array_equal(axes[4].images[0].get_array(), w[1, 1])
    written = [int(t.get_text().replace("\u2212", "-")) for t in axes[4].texts]  # one minus sign: U+2212
    assert written == list(w[1, 1].ravel())


def test_im2col_image_is_the_matrix():
    x, _, _ = layer()
    cols = im2col(x, 3)
    fig = plot.plot_im2col(cols, (3, 3, 3))
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), cols)
    with pytest.raises(ValueError, match=r"kernel_shape \(3, 2, 2\) has 12 taps; the matrix has 27 columns"):
        plot.plot_im2col(cols, (3, 2, 2))


def test_partial_sums_bars_follow_the_trace():
    x, w, b = layer()
    trace = trace_conv2d(x, w, b)
    fig = plot.plot_partial_sums(trace, 1, 0, 1)
    bars = fig.axes[0].patches
    bottoms = [bar.get_y() for bar in bars]
    tops = [bar.get_y() + bar.get_height() for bar in bars]
    # Hand rule: the first bar goes 0 -> bias, each next one from the previous level by the channel's sum.
    expected_levels = [-7] + list(-7 + np.cumsum([np.sum(x[c, 0:3, 1:4] * w[1, c]) for c in range(3)]))
    np.testing.assert_allclose(tops, expected_levels)
    np.testing.assert_allclose(bottoms, [0] + expected_levels[:-1])
    assert expected_levels[-1] == conv2d(x, w, b)[1, 0, 1]
    with pytest.raises(ValueError, match=r"ox must be in 0..1 for output shape \(2, 2, 2\); got 2"):
        plot.plot_partial_sums(trace, 0, 0, 2)


def test_partial_sums_label_each_channels_own_sum():
    x, w, b = layer()
    fig = plot.plot_partial_sums(trace_conv2d(x, w, b), 1, 0, 1)
    own = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "channel sum"]
    sums = [int(np.sum(x[c, 0:3, 1:4] * w[1, c])) for c in range(3)]
    assert own == [f"+{s}" if s >= 0 else f"\u2212{-s}" for s in sums]
    # groups=3: filter 1 reads channel 1 only, and says so
    grouped = plot.plot_partial_sums(trace_conv2d(x, w[:, :1].repeat(1, axis=1)[[0, 1, 0]], None, groups=3), 1, 0, 0)
    assert [t.get_text() for t in grouped.axes[0].get_xticklabels()] == ["bias", "channel 1"]


def test_floats_are_written_with_decimals():
    x, w, b = layer()
    fig = plot.plot_partial_sums(trace_conv2d(x * 0.5, w, b), 0, 0, 0, decimals=1)
    levels = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "level"]
    assert all("." in text for text in levels[1:]) and levels[0] == "40.0"


def test_many_kernels_fit_a_bounded_figure_with_numbers_that_fit_their_taps():
    w = np.random.default_rng(0).normal(size=(32, 3, 3, 3))
    fig = plot.plot_kernels(w)
    width, height = fig.get_size_inches()
    assert width <= plot.MAX_FIGURE[0] and height <= plot.MAX_FIGURE[1]
    tap_inches = width / 3 / 3
    for text in fig.axes[0].texts:  # "−0.12": about 0.6 em per character must fit inside one tap
        assert 0.6 * len(text.get_text()) * text.get_fontsize() / 72 <= tap_inches


def test_pipeline_columns_are_the_stages():
    rng = np.random.default_rng(1)
    stages = run_pipeline(rng.normal(size=(1, 10, 10)), [Conv(rng.normal(size=(2, 1, 3, 3))), ReLU(), MaxPool(2)])
    fig = plot.plot_pipeline(stages)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["input\n1×10×10", "conv 1\n2×8×8", "ReLU 1\n2×8×8", "max pool 1\n2×4×4"]


def test_core_import_needs_no_matplotlib_and_plot_says_what_to_install():
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "import convanim\n"
            "try:\n    import convanim.plot\nexcept ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'convanim.plot needs matplotlib: pip install "convanim[plot]"' in out.stdout


def test_weight_gradient_terms_and_running_sum_follow_the_hand_rule():
    from convanim import conv2d_backward, trace_conv2d_backward

    rng = np.random.default_rng(3)
    x, w = rng.integers(-4, 5, (2, 4, 4)), rng.integers(-3, 4, (2, 2, 3, 3))
    g = rng.integers(-3, 4, (2, 2, 2))
    fig = plot.plot_weight_gradient(trace_conv2d_backward(x, w, g), 1, 0, 2, 1)
    # Hand rule: dL/dw[1,0,2,1] = Σ over output (oy, ox) of x[0, oy+2, ox+1] · g[1, oy, ox].
    terms = [int(x[0, oy + 2, ox + 1] * g[1, oy, ox]) for oy in range(2) for ox in range(2)]
    running = [t.get_text() for t in fig.axes[1].texts if t.get_gid() == "running"]
    assert running == [plot.format_number(v, 0) for v in np.cumsum(terms)]
    assert fig.axes[1].get_title().endswith(plot.format_number(conv2d_backward(x, w, g)[1][1, 0, 2, 1], 0))
    written = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "term"]
    assert written[0] == f"{plot.format_number(x[0, 2, 1], 0)}·{plot.format_number(g[1, 0, 0], 0)}\n= " \
                         f"{plot.format_number(terms[0], 0)}"
    with pytest.raises(ValueError, match=r"kx must be in 0..2 for weight shape \(2, 2, 3, 3\); got 3"):
        plot.plot_weight_gradient(trace_conv2d_backward(x, w, g), 0, 0, 0, 3)


def test_training_figure_shows_every_loss_and_the_learned_kernel():
    from convanim import edge_learning_problem

    run = edge_learning_problem().train()
    fig = plot.plot_training(run)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), run.losses)
    end = [t.get_text() for t in fig.axes[2].texts if t.get_gid() == "weight"]
    assert end[0] == plot.format_number(run.final_weight[0, 0, 0, 0], 2)


def every_figure(language):
    """Each plot function's figure in ``language``."""
    from convanim import conv2d_backward, edge_learning_problem, trace_conv2d_backward  # noqa: F401

    x, w, b = layer()
    rng = np.random.default_rng(3)
    gx, gw = rng.integers(-4, 5, (2, 4, 4)), rng.integers(-3, 4, (2, 2, 3, 3))
    stages = run_pipeline(rng.normal(size=(1, 10, 10)), [Conv(rng.normal(size=(2, 1, 3, 3))), ReLU(), MaxPool(2)])
    return {
        "feature maps": plot.plot_feature_maps(conv2d(x, w, b), language=language),
        "kernels": plot.plot_kernels(w, language=language),
        "im2col": plot.plot_im2col(im2col(x, 3), (3, 3, 3), language=language),
        "partial sums": plot.plot_partial_sums(trace_conv2d(x, w, b), 0, 0, 0, language=language),
        "pipeline": plot.plot_pipeline(stages, language=language),
        "weight gradient": plot.plot_weight_gradient(
            trace_conv2d_backward(gx, gw, rng.integers(-3, 4, (2, 2, 2))), 1, 0, 2, 1, language=language),
        "training": plot.plot_training(edge_learning_problem(steps=3).train(), language=language),
    }


def words_of(fig):
    """Every title and axis label of ``fig`` (the numbers are drawn as texts, ticks are numbers)."""
    return [w for ax in fig.axes for w in (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) if w]


@pytest.mark.parametrize("language", ["th", "ja", "zh-Hant", "de"])
def test_figures_speak_the_language_with_every_glyph_drawn(language):
    import io
    import warnings

    from convanim.languages import translate

    english, figures = every_figure("en"), every_figure(language)
    for name, fig in figures.items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" when it draws a box
            fig.savefig(io.BytesIO(), format="png")
        theirs, ours = words_of(fig), words_of(english[name])
        assert len(theirs) == len(ours) and theirs != ours, name
    assert figures["kernels"].axes[0].get_title() == translate(language, "filter {i}, channel {j}", i=0, j=0)
    bars = [t.get_text() for t in figures["partial sums"].axes[0].get_xticklabels()]
    assert bars == [translate(language, "bias")] + [translate(language, "channel {channel}", channel=c)
                                                    for c in range(3)]
    assert words_of(figures["pipeline"])[0].startswith(translate(language, "input"))
