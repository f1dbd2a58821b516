# convanim: set-up, tests and renders.  Every target installs what it needs
# and is safe to run again.
#
#   make demo   system packages (apt-get, when root) + .venv with what rendering
#               needs (the package and its photo, data, voice, onnx and course extras), then render Conv3x3 at
#               1080p30 without a display
#   make media  the same set-up; the stills and GIFs shown in the README
#   make test   the render set-up + Chromium (for the slide-deck test) + the test
#               extra and its oracle, PyTorch's CPU build (the CUDA build only
#               where an NVIDIA GPU is seen); pytest
#   make bench  the test set-up; benchmark tables (core vs PyTorch, render vs empty scene), recorded in
#               benchmarks/results/ (the docs' benchmarks page shows them)
#   make docs   the test set-up (Sphinx is in the test extra); the documentation site into docs/_build/html
#
# Two stamps in .venv: rendering never installs the test extra, and running
# one target after the other installs nothing twice.

PYTHON  ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
RENDER_STAMP := $(VENV)/.installed-render
TEST_STAMP   := $(VENV)/.installed-test
DEMO_OUT := videos/Conv3x3.mp4

# Debian packages manimgl needs to build (ManimPango) and render headless, and the
# fonts the captions name (convanim/languages): DejaVu Sans Mono for digits, Latin
# and German; Tlwg Typo for Thai; Noto Sans Mono CJK for Japanese and Chinese.  espeak-ng: the offline
# draft voice of narrated lectures (--set narration=tts).
APT_PACKAGES := ffmpeg libpango1.0-dev pkg-config gcc python3-dev python3-venv \
                libegl1 libgl1 libegl-mesa0 libgl1-mesa-dri \
                fonts-dejavu-core fonts-tlwg-typo-otf fonts-noto-cjk espeak-ng

# The tests also open the HTML slide deck in a real browser: Debian's Chromium and its WebDriver.
TEST_APT_PACKAGES := chromium chromium-driver

export PYGLET_HEADLESS := 1

# The test oracle.  PyPI's Linux wheel of torch is the CUDA build (with some
# 4.6 GB of CUDA packages); PyTorch's CPU index has the same version built
# for the CPU alone, as PyTorch's own install instructions give for CPU machines.
TORCH_VERSION   := 2.13.0
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu

.PHONY: test fuzz demo media bench docs messages system-deps test-system-deps venv oracle clean

test: $(TEST_STAMP)
	$(VPY) -m pytest -q -n auto --dist loadfile

# The scene fuzzing of issue 32 with five times the examples `make test` draws (20 a family: dozens).
fuzz: $(TEST_STAMP)
	CONVANIM_FUZZ_SCALE=5 $(VPY) -m pytest -q -n auto --dist load tests/families/test_variant_families.py tests/families/test_variant_layouts.py

demo: $(RENDER_STAMP)
	$(VPY) -m convanim.manim.render scenes/conv3x3.py Conv3x3 --quality 1080p --out $(DEMO_OUT)

media: $(RENDER_STAMP)
	$(VPY) media/make_media.py

bench: $(TEST_STAMP)
	$(VPY) benchmarks/bench_core.py --record
	$(VPY) benchmarks/bench_narration.py --record
	$(VPY) benchmarks/bench_render.py --record

# Warnings are errors and every reference must resolve (nitpicky); builds offline.
docs: $(TEST_STAMP)
	$(VPY) -m sphinx -W --keep-going -n -q -b html docs docs/_build/html
	@echo "docs: open docs/_build/html/index.html"

# install-debs PACKAGES: apt-get install the ones not installed (when root; otherwise say what to run).
define install-debs
	@missing=""; \
	if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "system-deps: not a Debian system; make sure these are installed: $(1)"; exit 0; \
	fi; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "system-deps: installing$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "system-deps: missing Debian packages:$$missing"; \
	  echo "  run: sudo apt-get install -y$$missing   (then run make again)"; exit 1; \
	fi
endef

# The message catalogues: every word a scene shows (tr, trn, lookup, N_ in the code) into
# convanim/languages/convanim.pot, and each language's .po updated from it (new ids empty,
# changed ones marked fuzzy) for a translator to fill in.
LOCALES := th ja zh_Hans zh_Hant de
messages: $(RENDER_STAMP)
	$(VENV)/bin/pybabel extract -F convanim/languages/babel.cfg -k tr -k trn:1,2 -k lookup -k N_ \
	  --no-location --sort-output --project convanim -o convanim/languages/convanim.pot convanim
	@for l in $(LOCALES); do \
	  if [ -f convanim/languages/$$l/LC_MESSAGES/convanim.po ]; then \
	    $(VENV)/bin/pybabel update -D convanim -i convanim/languages/convanim.pot -d convanim/languages -l $$l \
	      --width 100 --ignore-obsolete; \
	  else \
	    $(VENV)/bin/pybabel init -D convanim -i convanim/languages/convanim.pot -d convanim/languages -l $$l --width 100; \
	  fi; \
	done

system-deps:
	$(call install-debs,$(APT_PACKAGES))

test-system-deps: system-deps
	$(call install-debs,$(TEST_APT_PACKAGES))

$(VPY): | system-deps
	$(PYTHON) -m venv $(VENV)

venv: $(RENDER_STAMP)

$(RENDER_STAMP): pyproject.toml | system-deps $(VPY)
	$(VPY) -m pip install -q --upgrade pip "setuptools>=77,<81" wheel
	$(VPY) -m pip install -q -e ".[photo,data,voice,onnx,course]"
	touch $(RENDER_STAMP)

$(TEST_STAMP): $(RENDER_STAMP) | test-system-deps
	@$(VPY) -c "import torch" 2>/dev/null && [ "$$($(VPY) -c 'import torch; print(torch.__version__.split("+")[0])')" = "$(TORCH_VERSION)" ] || \
	if nvidia-smi -L >/dev/null 2>&1; then \
	  echo "oracle: an NVIDIA GPU is present; torch==$(TORCH_VERSION) from PyPI (the CUDA build)"; \
	  $(VPY) -m pip install -q "torch==$(TORCH_VERSION)"; \
	else \
	  echo "oracle: no NVIDIA GPU; torch==$(TORCH_VERSION), CPU build, from $(TORCH_CPU_INDEX)"; \
	  $(VPY) -m pip install -q --timeout 15 --retries 0 --index-url $(TORCH_CPU_INDEX) "torch==$(TORCH_VERSION)" || \
	  { echo "oracle: $(TORCH_CPU_INDEX) cannot be reached; torch==$(TORCH_VERSION) from the default index instead"; \
	    $(VPY) -m pip install -q "torch==$(TORCH_VERSION)"; }; \
	fi
	$(VPY) -m pip install -q -e ".[test]"
	@$(VPY) -c "import torch; print('oracle: installed torch', torch.__version__, '(CUDA ' + torch.version.cuda + ' build)' if torch.version.cuda else '(CPU-only build)')"
	touch $(TEST_STAMP)

oracle: $(TEST_STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis docs/_build
