# convanim: set-up, tests and renders.  Every target installs what it needs
# and is safe to run again.
#
#   make test   system packages (apt-get, when root) + .venv + pytest
#   make demo   same set-up, then render Conv3x3 at 1080p30 without a display
#   make media  stills and the GIF shown in the README
#   make bench  benchmark tables (core vs PyTorch, render vs empty scene)

PYTHON  ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
DEMO_OUT := videos/Conv3x3.mp4

# Debian packages manimgl needs to build (ManimPango) and render headless.
APT_PACKAGES := ffmpeg libpango1.0-dev pkg-config gcc python3-dev python3-venv \
                libegl1 libgl1 libegl-mesa0 libgl1-mesa-dri

export PYGLET_HEADLESS := 1

.PHONY: test demo media bench system-deps venv clean

test: $(STAMP)
	$(VPY) -m pytest -q

demo: $(STAMP)
	$(VPY) -m convanim.manim.render scenes/conv3x3.py Conv3x3 --quality 1080p --out $(DEMO_OUT)

media: $(STAMP)
	$(VPY) media/make_media.py

bench: $(STAMP)
	$(VPY) benchmarks/bench_core.py
	$(VPY) benchmarks/bench_render.py

system-deps:
	@missing=""; \
	if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "system-deps: not a Debian system; make sure these are installed: $(APT_PACKAGES)"; exit 0; \
	fi; \
	for p in $(APT_PACKAGES); do \
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

$(VPY): | system-deps
	$(PYTHON) -m venv $(VENV)

venv: $(STAMP)

$(STAMP): pyproject.toml | system-deps $(VPY)
	$(VPY) -m pip install -q --upgrade pip "setuptools<81" wheel
	$(VPY) -m pip install -q -e ".[test]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
