import os
import shutil
import tempfile

from hypothesis import HealthCheck, settings

settings.register_profile(
    "convanim",
    deadline=None,
    max_examples=int(os.environ.get("CONVANIM_EXAMPLES", "60")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
settings.load_profile("convanim")



#: The cache folder this test session made (voices, glyphs): the user's own cache is neither read nor written.
_SESSION_CACHE: list[str] = []


def pytest_configure(config):
    """One cache folder for the session, made by the first process (xdist's workers inherit its variable)."""
    if not os.environ.get("CONVANIM_TEST_CACHE"):
        folder = tempfile.mkdtemp(prefix="convanim-test-cache-")
        os.environ["CONVANIM_TEST_CACHE"] = os.environ["CONVANIM_CACHE"] = folder
        _SESSION_CACHE.append(folder)


def pytest_unconfigure(config):
    for folder in _SESSION_CACHE:
        shutil.rmtree(folder, ignore_errors=True)


def oracle_build() -> str:
    """The torch build the tests compare against (the oracle)."""
    try:
        import torch
    except ImportError:
        return "oracle: torch is not installed (make test installs it)"
    build = f"CUDA {torch.version.cuda} build" if torch.version.cuda else "CPU-only build"
    return f"oracle: torch {torch.__version__} ({build})"


def pytest_report_header(config):
    return oracle_build()


def pytest_terminal_summary(terminalreporter):
    """Also at the end, where `pytest -q` (which hides the header) shows it."""
    if terminalreporter.verbosity < 0:
        terminalreporter.write_line(oracle_build())
