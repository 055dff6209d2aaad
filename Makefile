# zxkg — the two commands a user needs: `make run` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
ZXKG   := $(VENV)/bin/zxkg
DATA   ?= zxkg-data
SHARED ?= ../shared
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-fast lint typecheck pytest eval bench bench-quick bench-postgres clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

## run: install, ingest corpus/ into $(DATA) (once), then serve the API and web page
run: $(VENV)/.installed
	$(ZXKG) ingest --data $(DATA) corpus/
	$(ZXKG) serve --data $(DATA) --host $(HOST) --port $(PORT)

## test: lint, types, tests and the extraction quality floors
test: lint typecheck pytest eval

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	@mkdir -p build/typecheck/zxkg
	@for p in ingest graph search api; do ln -sfn ../../../$$p build/typecheck/zxkg/$$p; done
	$(VENV)/bin/mypy

pytest: $(VENV)/.installed
	$(PY) -m pytest -n auto --dist loadfile

## test-fast: lint, types and the tests that start no process or server (about a minute)
test-fast: lint typecheck
	$(PY) -m pytest -n auto --dist loadfile -m "not slow"

## eval: score extraction against ../shared/gold, ../shared/patterns and tests/gold (with corpus2) with pinned floors
eval: $(VENV)/.installed
	$(PY) scripts/eval.py --shared $(SHARED)

## bench: speed and memory at 10k and 100k articles → docs/benchmarks.md (bench-quick: 10k only)
bench: $(VENV)/.installed
	$(PY) bench/run.py --shared $(SHARED)

bench-quick: $(VENV)/.installed
	$(PY) bench/run.py --quick --shared $(SHARED)

## bench-postgres: the PostgreSQL store beside SQLite at 20k articles
## (one and two ingesters, search, adopters, export)
## → docs/benchmarks-postgres.md, then its search at 100k rows → docs/benchmarks-postgres-scale.md
bench-postgres: $(VENV)/.installed
	ZXKG_BENCH_POSTGRES="$${ZXKG_BENCH_POSTGRES:-$${ZXKG_TEST_POSTGRES:-postgresql:///postgres}}" \
	  $(PY) bench/run.py --sizes 20000 --postgres --shared $(SHARED) --out docs/benchmarks-postgres.md
	ZXKG_BENCH_POSTGRES="$${ZXKG_BENCH_POSTGRES:-$${ZXKG_TEST_POSTGRES:-postgresql:///postgres}}" \
	  $(PY) bench/postgres_scale.py --shared $(SHARED) --out docs/benchmarks-postgres-scale.md

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache .mypy_cache .ruff_cache
