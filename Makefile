# Two commands set everything up on a fresh machine (python3, pip and make):
#   make demo   create .venv, install capsim, run the baseline scenario and write its report
#   make test   create .venv, install capsim with its test tools and the numba kernels (fast),
#               run every test (both the numpy and the compiled paths) and the layer check
#   make check  the fast loop: the layer check and every test not marked slow
#   make serve  create .venv, install capsim with the web extra, start the workbench on 127.0.0.1:8765
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXTRAS ?= test,web,fast
comma  := ,
STAMP  := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: demo test check lint bench install clean serve browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[$(EXTRAS)]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/capsim validate scenarios/*.yaml
	$(BIN)/capsim run scenarios/dianjun-baseline.yaml

lint: $(STAMP)
	$(BIN)/lint-imports

# The browser tests drive Debian's chromium through chromium-driver; installed here when missing
# (as root with apt-get), else those tests are skipped with the reason.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    apt-get update && apt-get install -y chromium chromium-driver; \
	  else echo "note: the browser tests need chromium and chromium-driver (apt-get install chromium chromium-driver)"; fi; \
	fi

test: lint browser
	$(BIN)/python -m pytest

# Two pytest workers (pytest-xdist), each taking whole modules (--dist loadscope) so a module's
# shared fixtures (a run, a report drawn once) are built once; CAPSIM_FAST_LOOP: fewer fuzz
# examples (tests/scenario/test_fuzz_loading.py).
check: lint
	CAPSIM_FAST_LOOP=1 $(BIN)/python -m pytest -m "not slow" -n 2 --dist loadscope

serve: $(STAMP)
	$(BIN)/capsim serve scenarios

# The benchmarks need the Dask figure's extra and measure the numba kernels (fast) beside the
# numpy paths: both extras are installed first (pip ignores a repeated one).
bench:
	$(MAKE) install EXTRAS=$(EXTRAS),dask,fast
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
