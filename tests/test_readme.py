"""Every Python block of the README runs as written (in order, in one namespace)."""
import re
from pathlib import Path

import manim_support  # noqa: F401  (imports manimlib first: the README's scene classes need it)

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_python_block_of_the_readme_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "readme"}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    assert "stages" in namespace and namespace["stages"][-1].shape == (1, 12, 12)
    assert [s.shape for s in namespace["own"]][-2:] == [(36,), (10,)]  # the from_torch example
