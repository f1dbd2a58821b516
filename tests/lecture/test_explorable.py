"""`convanim explore`: the explorable page in headless Chromium with name resolution off.

Every number the page shows is compared with PyTorch (the outputs, each
channel's partial sum, the running sums of the step order), every
statement's arithmetic is checked by tests/statement_check.py, and the cells
a weight lights are worked out here from stride, padding and dilation.
"""
import itertools
import json
import random
import re
from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import manim_support  # noqa: F401,I001  (imports manimlib first)
from convanim.manim.cli import main as convanim_main
from convanim.manim.lecture.explorable import scene_page_data, write_explorable
from convanim.manim.rendering.scene_files import resolve_scene_file
from statement_check import agrees, arithmetic_problems, labelled_totals, value_of

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

CONV = str(resolve_scene_file("conv3x3"))
POOL = str(resolve_scene_file("pooling"))
THAI = re.compile("[\u0E00-\u0E7F]")


@pytest.fixture(scope="module")
def browser():
    from convanim.manim.lecture.browser import headless_chromium

    driver = headless_chromium(1400, 1000, offline=True)
    yield driver
    driver.quit()


def random_layer(rng: random.Random) -> dict:
    """Options of a random conv layer the scene takes (groups divide both channel counts)."""
    groups = rng.choice([1, 1, 2])
    return {"in_channels": groups * rng.randint(1, 2), "out_channels": groups * rng.randint(1, 2),
            "input_size": (rng.randint(3, 6), rng.randint(3, 6)), "kernel_size": rng.choice([(2, 2), (3, 3), (3, 2)]),
            "stride": rng.randint(1, 2), "padding": rng.randint(0, 1), "dilation": rng.choice([1, 1, 2]),
            "groups": groups, "seed": rng.randint(0, 999), "order": rng.choice(["channel", "cell"])}


def fits(layer: dict) -> bool:
    (h, w), (kh, kw) = layer["input_size"], layer["kernel_size"]
    d, p = layer["dilation"], layer["padding"]
    return h + 2 * p >= d * (kh - 1) + 1 and w + 2 * p >= d * (kw - 1) + 1


def settings(layer: dict) -> list[str]:
    text = {k: ",".join(map(str, v)) if isinstance(v, tuple) else str(v) for k, v in layer.items()}
    return [f"{k}={v}" for k, v in text.items()]


def open_page(browser, folder):
    browser.get((folder / "index.html").as_uri())
    return browser


def hover(browser, element) -> list[str]:
    ActionChains(browser).move_to_element(element).perform()
    return browser.find_element(By.ID, "statement").text.splitlines()


def cell(browser, name: str):
    return browser.find_element(By.CSS_SELECTOR, f'[data-cell="{name}"]')


def lit_inputs(browser, cls: str) -> tuple[set[str], int]:
    """The data-cell names of the input cells with class ``cls``, and how many lit cells are padding."""
    lit = browser.find_elements(By.CSS_SELECTOR, f".x.{cls}")
    names = {e.get_attribute("data-cell") for e in lit if e.get_attribute("data-cell")}
    return names, sum(1 for e in lit if not e.get_attribute("data-cell"))


def torch_layer(data: dict):
    """x (1, C, H, W), w, b from the page's own input and weight texts (checked against the trace elsewhere)."""
    pads = data["pads"]
    padded = np.array(data["input"], dtype=float)
    mask = np.array(data["padding"])
    rows, cols = np.where(~mask)
    h, w = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
    x = torch.tensor(padded[:, pads[0]:pads[0] + h, pads[1]:pads[1] + w])[None]
    weight = torch.tensor(np.array(data["weight"], dtype=float))
    bias = torch.tensor(np.array(data["bias"], dtype=float)) if data["bias"] else None
    return x, weight, bias


def test_a_random_conv_layer_page_shows_torchs_numbers_and_sums(browser, tmp_path):
    rng = random.Random(20261206)
    layers = [layer for layer in (random_layer(rng) for _ in range(40)) if fits(layer)][:3]
    for n, layer in enumerate(layers):
        folder = tmp_path / f"page{n}"
        write_explorable(CONV, "Conv3x3", settings(layer), folder)
        data = scene_page_data(CONV, "Conv3x3", settings(layer))
        x, weight, bias = torch_layer(data)
        # the input on the page is the scene's seeded input: the layer's own numbers against torch's conv
        geometry = dict(stride=layer["stride"], padding=layer["padding"], dilation=layer["dilation"])
        y = F.conv2d(x, weight, bias, groups=layer["groups"], **geometry)[0]
        open_page(browser, folder)
        f_count, oh, ow = y.shape
        for f, i, j in itertools.product(range(f_count), range(oh), range(ow)):
            assert agrees(Fraction(float(y[f, i, j])).limit_denominator(10 ** 6), cell(browser, f"y[{f},{i},{j}]").text)
        cg = weight.shape[1]
        for f, i, j in rng.sample(list(itertools.product(range(f_count), range(oh), range(ow))), 3):
            lines = hover(browser, cell(browser, f"y[{f},{i},{j}]"))
            assert all(not arithmetic_problems(line) for line in lines), lines
            label, total = labelled_totals(lines[-1])[-1]
            assert label == f"y[{f},{i},{j}]" and lines[-1].endswith(total)
            assert agrees(Fraction(float(y[f, i, j])).limit_denominator(10 ** 6), total)
            group = f // (f_count // layer["groups"])
            for c in range(cg):  # each channel's partial sum: torch on that channel alone
                channel = group * cg + c
                partial = F.conv2d(x[:, channel:channel + 1], weight[f:f + 1, c:c + 1], **geometry)[0, 0, i, j]
                sums = [t for lab, t in (labelled_totals(line)[-1] for line in lines[:-1] if labelled_totals(line))
                        if lab.endswith(f" {channel}")]
                if cg > 1 or bias is not None:
                    assert sums and agrees(Fraction(float(partial)).limit_denominator(10 ** 6), sums[0]), lines
            # the window lit: every input cell the kernel covers, padding included
            names, padding_cells = lit_inputs(browser, "lit")
            expected, pads_expected = set(), 0
            h, w = x.shape[2:]
            for c in range(cg):
                for ky, kx in itertools.product(range(weight.shape[2]), range(weight.shape[3])):
                    r = i * layer["stride"] + ky * layer["dilation"] - layer["padding"]
                    q = j * layer["stride"] + kx * layer["dilation"] - layer["padding"]
                    if 0 <= r < h and 0 <= q < w:
                        expected.add(f"x[{group * cg + c},{r},{q}]")
                    else:
                        pads_expected += 1
            assert names == expected and padding_cells == pads_expected


def test_a_weight_lights_exactly_the_input_cells_it_multiplies(browser, tmp_path):
    layer = {"in_channels": 4, "out_channels": 2, "input_size": (5, 6), "kernel_size": (2, 3), "stride": 2,
             "padding": 1, "dilation": 1, "groups": 2, "seed": 7}
    write_explorable(CONV, "Conv3x3", settings(layer), tmp_path)
    open_page(browser, tmp_path)
    oh, ow = (5 + 2 - 2) // 2 + 1, (6 + 2 - 3) // 2 + 1
    for f, c, ky, kx in [(0, 0, 0, 0), (1, 1, 1, 2), (1, 0, 0, 1)]:
        ActionChains(browser).move_to_element(cell(browser, f"w[{f},{c},{ky},{kx}]")).perform()
        names, padding_cells = lit_inputs(browser, "reach")
        channel = f * 2 + c  # two groups of two channels, one filter each
        inside = {(i * 2 + ky - 1, j * 2 + kx - 1) for i in range(oh) for j in range(ow)}
        expected = {f"x[{channel},{r},{q}]" for r, q in inside if 0 <= r < 5 and 0 <= q < 6}
        assert names == expected
        assert padding_cells == len(inside) - len(expected)


def expected_order(order: str, f_count: int, cg: int, oh: int, ow: int) -> list[tuple[int, int, int, int]]:
    """(filter, channel within the filter, oy, ox) in the video's order, as the scene's docs describe it."""
    cells = [(i, j) for i in range(oh) for j in range(ow)]
    steps = []
    for f in range(f_count):
        if order == "cell":
            steps += [(f, c, *cells[0]) for c in range(cg)]
        steps += [(f, c, i, j) for c in range(cg) for i, j in (cells[1:] if order == "cell" else cells)]
    return steps


@pytest.mark.parametrize("order", ["channel", "cell"])
def test_the_step_buttons_and_arrow_keys_walk_the_story_with_its_running_sums(browser, tmp_path, order):
    layer = {"in_channels": 2, "out_channels": 2, "input_size": (3, 4), "padding": 1, "seed": 3, "order": order}
    write_explorable(CONV, "Conv3x3", settings(layer), tmp_path)
    data = scene_page_data(CONV, "Conv3x3", settings(layer))
    x, weight, bias = torch_layer(data)
    y = F.conv2d(x, weight, bias, padding=1)[0]
    open_page(browser, tmp_path)
    steps = expected_order(order, 2, 2, *y.shape[1:])
    assert len(data["steps"]) == len(steps)
    for k, (f, c, i, j) in enumerate(steps[:8]):
        if k:
            (browser.find_element(By.ID, "next").click() if k % 2 else
             ActionChains(browser).send_keys("\ue014").perform())  # the right arrow key
        assert browser.find_element(By.CSS_SELECTOR, ".y.chosen").get_attribute("data-cell") == f"y[{f},{i},{j}]"
        lines = browser.find_element(By.ID, "statement").text.splitlines()
        assert all(not arithmetic_problems(line) for line in lines)
        running = float(bias[f]) + sum(float(F.conv2d(x[:, k2:k2 + 1], weight[f:f + 1, k2:k2 + 1], padding=1)[0, 0, i, j])
                                       for k2 in range(c + 1))
        assert agrees(Fraction(running).limit_denominator(10 ** 6), labelled_totals(lines[-1])[-1][1])
        names, _ = lit_inputs(browser, "lit")
        assert names and all(name.startswith(f"x[{c},") for name in names)  # only the step's channel
    browser.find_element(By.ID, "previous").click()
    assert browser.find_element(By.CSS_SELECTOR, ".y.chosen").get_attribute("data-cell") == "y[{},{},{}]".format(
        steps[6][0], *steps[6][2:])


def test_a_thai_pooling_page_shows_thai_and_torchs_max_and_fetches_nothing(browser, tmp_path):
    code = convanim_main(["explore", "pooling", "MaxPoolPadded", "--set", "language=th", "--out", str(tmp_path)])
    assert code == 0
    page = (tmp_path / "index.html").read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing from elsewhere
    open_page(browser, tmp_path)
    assert THAI.search(browser.find_element(By.ID, "title").text)
    assert THAI.search(browser.find_element(By.ID, "hint").text)
    data = json.loads(re.search(r'id="trace">(.*?)</script>', page, re.S).group(1).replace("<\\/", "</"))
    x = torch.tensor([[float(v.replace("−", "-")) for v in row] for row in
                      np.array(data["input"][0])[1:-1, 1:-1]])[None, None]
    y = F.max_pool2d(x, 3, stride=2, padding=1)[0, 0]
    for i, j in [(0, 0), (1, 2), (2, 1)]:
        lines = hover(browser, cell(browser, f"y[0,{i},{j}]"))
        assert value_of(lines[-1].rsplit("=", 1)[1].replace("−", "-")) == Fraction(float(y[i, j]))
        assert THAI.search(lines[0])  # the index's note, in Thai
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert fetched == []


def test_explore_refuses_in_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "page"
    assert convanim_main(["explore", "conv3x3", "Conv3x3", "--set", "stride=0", "--out", str(out)]) == 2
    assert convanim_main(["explore", "backward", "ConvBackward", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "Conv3x3.stride" in err[0] and "explorable page covers" in err[1]
    assert not out.exists()
