"""The documentation (issue 35): the site builds with warnings as errors and nitpicky references, every exported
name has an API entry, every gallery scene is on its family's page, every Python block of the README and the
docs runs on its own, every link points to a file of the repository that exists, and the README stays a landing
page."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import manim_support  # noqa: F401  (imports manimlib first: the docs' scene classes need it)

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)
README = ROOT / "README.md"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built as `make docs` builds it (-W --keep-going -n), fresh, into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-n", "-q", "-b", "html",
                             str(DOCS), str(out)], capture_output=True, text=True, cwd=ROOT)
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    assert result.returncode == 0 and not warnings, "\n".join(warnings) or result.stderr[-3000:]
    return out


def test_the_site_builds_with_warnings_as_errors_and_every_reference_resolved(site):
    assert (site / "index.html").is_file()
    built = {p.relative_to(site).with_suffix("") for p in site.rglob("*.html")}
    for page in PAGES:  # every page is in the site (and so in a table of contents: -W refuses an orphan)
        assert page.relative_to(DOCS).with_suffix("") in built, page


def anchors(html: Path) -> set[str]:
    return set(re.findall(r'id="([^"]+)"', html.read_text(encoding="utf-8")))


def test_every_exported_name_has_an_api_entry(site):
    import convanim
    import convanim.manim

    ids = anchors(site / "api.html")
    missing = [f"{module.__name__}.{name}" for module in (convanim, convanim.manim) for name in module.__all__
               if f"{module.__name__}.{name}" not in ids]
    assert not missing
    assert len(convanim.__all__) > 60 and len(convanim.manim.__all__) > 30


def gallery_scenes() -> dict[str, list[str]]:
    """Each gallery file's scenes, read from its source with ast (not through convanim): the classes whose
    names its SCENES_IN_ORDER lists, then every other class that derives from one or from an imported scene."""
    out = {}
    for path in sorted((ROOT / "scenes").glob("[!_]*.py")):
        tree = ast.parse(path.read_text())
        listed = []
        for node in tree.body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "SCENES_IN_ORDER":
                listed = [element.id for element in node.value.elts]
        imported = {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
                    and node.module == "convanim.manim" for alias in node.names}
        scenes = set(listed)
        for node in tree.body:  # in order: a class is a scene when a base is an imported scene class or a scene
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", "") in imported | scenes for b in node.bases):
                if any(getattr(b, "id", "") in imported for b in node.bases) or node.name in listed:
                    scenes.add(node.name)
        out[path.stem] = listed + sorted(scenes - set(listed))
    return out


def test_every_gallery_scene_is_on_its_family_page_with_its_still(site):
    scenes = gallery_scenes()
    assert sum(map(len, scenes.values())) >= 60 and "MnistSizedConv" in scenes["conv3x3"]
    index = (site / "gallery" / "index.html").read_text(encoding="utf-8")
    for stem, names in scenes.items():
        page = site / "gallery" / f"{stem}.html"
        assert f'href="{stem}.html"' in index, stem
        html = page.read_text(encoding="utf-8")
        ids = anchors(page)
        for name in names:
            assert f"scene-{name.lower()}" in ids, (stem, name)
            assert re.search(rf'<img[^>]+alt="the last frame of {name}"', html), (stem, name)
            assert f"convanim render {stem} {name}" in re.sub(r"<[^>]+>", "", html), (stem, name)


def test_the_gallery_links_the_explorable_page_of_each_scene_it_covers(site):
    links = {}
    for page in (site / "gallery").glob("*.html"):
        for target in re.findall(r'href="\.\./explore/([^/"]+)/index\.html"', page.read_text(encoding="utf-8")):
            links[target] = page.stem
    # the conv layer and pooling families have pages; the backward, im2col and feature-map families do not
    assert {"Conv3x3", "MnistSizedConv", "MaxPool2x2", "AvgPoolIncludePad", "Conv1dLayer"} <= set(links)
    assert links["Conv3x3"] == "conv3x3" and links["MaxPool2x2"] == "pooling"
    assert not {"ConvBackward", "Im2Col", "FeatureMaps"} & set(links)
    for name in links:  # each page is there, with the data-cell contract
        html = (site / "explore" / name / "index.html").read_text(encoding="utf-8")
        assert '"kind":' in html and '"cells":{' in html and 'id="statement"' in html


def test_the_docs_gallery_and_convanim_list_show_the_same_scenes_in_the_same_order(site, tmp_path):
    import shutil

    command = shutil.which("convanim", path=str(Path(sys.executable).parent))
    result = subprocess.run([command, "list"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    listed = [tuple(line.split()[:2]) for line in result.stdout.splitlines()]
    on_pages = []
    for stem in sorted(gallery_scenes()):
        html = (site / "gallery" / f"{stem}.html").read_text(encoding="utf-8")
        on_pages += [(stem, name) for name in re.findall(r'<p class="rubric" id="scene-[^"]+">([^<]+)</p>', html)]
    assert listed == on_pages
    assert sorted(listed) == sorted((stem, name) for stem, names in gallery_scenes().items() for name in names)


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_block_runs_on_its_own(page, tmp_path, monkeypatch):
    """Each block in a fresh namespace: a reader copies one block, not the page."""
    monkeypatch.chdir(tmp_path)
    for n, block in enumerate(python_blocks(page)):
        exec(compile(block, f"{page.name} block {n + 1}", "exec"), {"__name__": f"docs_block_{n}"})


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def heading_slugs(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings as MyST (myst_heading_anchors) and forges make them."""
    slugs = set()
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    for title in re.findall(r"^#{1,6} (.+)$", text, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", title.strip().lower().replace("`", "")).replace(" ", "-")
        slugs.add(slug)
    return slugs


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_points_to_a_file_of_the_repository_that_exists(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    for target in LINK.findall(text):
        if re.match(r"https?://", target):
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        assert path.is_file(), f"{page.relative_to(ROOT)}: {target}"
        assert ROOT in path.parents, f"{page.relative_to(ROOT)}: {target} is outside the repository"
        if anchor and path.suffix == ".md":
            assert anchor in heading_slugs(path), f"{page.relative_to(ROOT)}: no heading #{anchor} in {file}"


def test_the_readme_is_a_landing_page():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250
    text = "\n".join(lines)
    for must in ("make demo", "make test", "docs/getting-started.md", "docs/benchmarks.md", "media/conv3x3.gif"):
        assert must in text
    count = int(re.search(r"(\d+) scenes in (\w+) files", text).group(1))
    assert count == sum(map(len, gallery_scenes().values()))  # the README's count is the gallery's


RESULTS = ROOT / "benchmarks" / "results"
#: A measured figure: a decimal, or a whole number with a unit of time, size or ratio.
FIGURE = re.compile(r"(?<![\w.])(\d+\.\d+|\d+(?= ?(?:s|ms|MiB|MB|GB)\b|×(?!\d)))(?![\w.])")


def prose(text: str) -> str:
    """Markdown without its code blocks, code spans and include directives: what a reader takes as statements."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return re.sub(r"`[^`]*`", "", text)


def quoted_figures() -> list[tuple[str, str]]:
    """(where, figure) for every figure in the README's "Measured" section and the prose of the pages that quote
    measurements: the benchmarks page and the known limits."""
    readme = README.read_text(encoding="utf-8")
    measured = readme.split("## Measured", 1)[1].split("\n## ", 1)[0]
    out = [("README.md", f) for f in FIGURE.findall(prose(measured))]
    for page in ("benchmarks.md", "known-limits.md"):
        out += [(f"docs/{page}", f) for f in FIGURE.findall(prose((DOCS / page).read_text("utf-8")))]
    return out


def test_every_quoted_figure_is_in_the_benchmark_scripts_recorded_output():
    recorded = {path.name: path.read_text(encoding="utf-8") for path in RESULTS.glob("*.md")}
    assert {"bench_core.md", "bench_render.md", "bench_render-levers.md", "bench_narration.md"} <= set(recorded)
    output = "\n".join(recorded.values())
    numbers = set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", output))
    figures = quoted_figures()
    assert len([f for where, f in figures if where == "README.md"]) >= 3  # the README quotes its measured lines
    missing = [(where, f) for where, f in figures if f not in numbers]
    assert not missing, f"figures not in benchmarks/results/: {missing}"
