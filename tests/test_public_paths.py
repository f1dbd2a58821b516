"""The public API is two paths (issue 33): ``convanim`` (the core) and ``convanim.manim`` (every scene base,
building block and helper a lecturer may use).  The scene files, the examples (scripts and notebooks) and the
code of the README and the docs import only from those two, so internal modules can move without breaking a lecture."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORT = re.compile(r"^\s*(?:from\s+(convanim[\w.]*)\s+import|import\s+(convanim[\w.]*))", re.M)
PUBLIC = {"convanim", "convanim.manim"}


def sources() -> dict[str, str]:
    out = {str(p.relative_to(ROOT)): p.read_text() for p in sorted((ROOT / "scenes").glob("[!_]*.py"))}
    out |= {str(p.relative_to(ROOT)): p.read_text() for p in sorted((ROOT / "examples").glob("*.py"))}
    for notebook in sorted((ROOT / "examples").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        out[str(notebook.relative_to(ROOT))] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        if "_build" not in page.parts:
            out[str(page.relative_to(ROOT))] = "\n".join(
                re.findall(r"```(?:python|ipython)\n(.*?)```", page.read_text(), re.S))
    return out


def test_scenes_examples_the_readme_and_the_docs_import_only_the_two_public_paths():
    found = {}
    for name, text in sources().items():
        for from_path, import_path in IMPORT.findall(text):
            path = from_path or import_path
            if path not in PUBLIC:
                found.setdefault(name, []).append(path)
    assert sum(1 for text in sources().values() for _ in IMPORT.findall(text)) > 20  # the check reads them
    assert not found, found


def test_every_family_base_is_on_the_public_path():
    import convanim.manim as manim
    for name in ("ConvLayerScene", "ConvArithmetic", "PaddingModes", "TransposedScatter", "TransposedAsConv",
                 "PoolingScene", "PoolBackwardScene", "ConvBackwardScene", "ConvBackwardAsConvolutionScene",
                 "Col2ImScene", "GradientDescentScene", "Im2ColScene", "Im2ColLoopOrdersScene", "FeatureMapScene",
                 "PipelineScene", "ReceptiveFieldScene", "DilatedReceptiveFieldScene", "TrainedLayerScene",
                 "TrainedPipelineScene", "LearnedFiltersScene", "ConvVolumeScene", "DepthwiseSeparableScene",
                 "PixelShuffleScene", "Option", "Palette", "NumberGrid", "show", "show_still"):
        assert isinstance(getattr(manim, name), type) or callable(getattr(manim, name)), name
