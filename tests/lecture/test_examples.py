"""The example notebook runs from top to bottom."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", ["core_tour.ipynb"])
def test_notebook_runs(name):
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}).execute()
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "y[1,0,1] =" in outputs
    assert "edge 3x3: 28 parameters" in outputs and "random 20x20: 1201 parameters" in outputs
    assert "max pool 2 (6, 4, 4)" in outputs
    figures = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if "image/png" in o.get("data", {})]
    # partial sums, weight gradient, training, im2col matrix, kernels, feature map, pipeline
    assert len(figures) == 7
    assert "dL/db: [8 8 8]" in outputs            # 2 × 4 output positions, by hand
    assert "learned:" in outputs


def test_the_lecture_notebook_shows_a_still_and_a_video_without_importing_manimlib(tmp_path):
    nb = nbformat.read(EXAMPLES / "lecture.ipynb", as_version=4)
    for cell in nb.cells:  # renders go to a temporary folder, not into examples/
        cell.source = cell.source.replace("from convanim.manim import show, show_still",
                                          "from convanim.manim import show, show_still\n"
                                          "import convanim.manim.lecture.notebook as nbm\n"
                                          f"nbm.MEDIA_FOLDER = nbm.Path({str(tmp_path)!r})")
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    videos = [o["data"]["text/html"] for o in outputs if "<video" in o.get("data", {}).get("text/html", "")]
    assert len(images) == 1 and len(videos) == 1
    assert "data:video/mp4;base64," in videos[0] and "controls" in videos[0]  # embedded: the notebook keeps it
    assert (tmp_path / "Conv3x3.png").is_file() and (tmp_path / "MaxPool2x2.mp4").is_file()
    text = "".join(o.get("text", "") for o in outputs)
    assert "Conv3x3 has no option 'strid'; its options:" in text
    assert "manimlib imported in this kernel: False" in text
