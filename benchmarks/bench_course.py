"""A course build's time: the gallery at 480p in one language, with 1 and 2 local workers, and the rebuild that
has nothing to do, in one run.

    python benchmarks/bench_course.py                      # every gallery scene (long: dozens of renders twice)
    python benchmarks/bench_course.py --files conv3x3 pooling --language th

Writes a course file into a temporary folder, runs `convanim build` on it with `--workers 1`, then again into a
fresh output folder with `--workers 2`, then once more on the second folder (every video up to date), and prints
each build's wall time and videos.  The figures are single runs.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from common import print_table, recorded  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def course_text(files: list[str], language: str, output: str) -> str:
    tables = "".join(f'\n[[scenes]]\nfile = "{name}"\n' for name in files)
    return f'output = "{output}"\nlanguages = ["{language}"]\nqualities = ["480p"]\n{tables}'


def timed_build(course: Path, *flags: str) -> tuple[float, str]:
    """Seconds of ``convanim build COURSE flags`` and its summary line."""
    start = time.perf_counter()
    result = subprocess.run([str(Path(sys.executable).parent / "convanim"), "build", str(course), *flags],
                            capture_output=True, text=True, cwd=course.parent)
    seconds = time.perf_counter() - start
    summary = [line for line in result.stderr.splitlines() if " rendered, " in line]
    if result.returncode != 0:
        raise SystemExit(f"build failed ({result.returncode}): {result.stderr[-2000:]}")
    return seconds, summary[-1].split(";")[0] if summary else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", nargs="*", default=None, help="gallery files (default: every one)")
    parser.add_argument("--language", default="en")
    args = parser.parse_args()
    files = args.files or sorted(p.stem for p in (ROOT / "scenes").glob("*.py") if not p.name.startswith("_"))
    print(f"gallery files: {', '.join(files)}; language {args.language}; 480p; cpu count {os.cpu_count()}\n")
    rows = []
    with tempfile.TemporaryDirectory(prefix="convanim-course-bench-") as folder:
        for workers, output in ((1, "one"), (2, "two")):
            course = Path(folder, f"{output}.toml")
            course.write_text(course_text(files, args.language, output))
            seconds, summary = timed_build(course, "--workers", str(workers))
            rows.append([f"build, {workers} worker{'s' if workers > 1 else ''}", f"{seconds:.0f}", summary])
        seconds, summary = timed_build(Path(folder, "two.toml"), "--workers", "2")
        rows.append(["rebuild, nothing changed", f"{seconds:.1f}", summary])
    print_table(["build", "seconds", "videos"], rows)
    print(f"\nspeed-up of 2 workers over 1: {float(rows[0][1]) / max(float(rows[1][1]), 1e-9):.2f}")


if __name__ == "__main__":
    with recorded("bench_course"):
        main()
