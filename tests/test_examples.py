"""The example notebook runs from top to bottom."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


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
