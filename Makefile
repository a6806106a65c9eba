# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run solve-example test bench bench-curtois bench-peers lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/flexpool solve examples/example-scenario.json --out out --time-limit 10 --quiet
	$(BIN)/python -m api

solve-example: $(STAMP)
	$(BIN)/flexpool solve examples/example-scenario.json --out out

test: $(STAMP)
	./scripts/ensure-postgresql.sh
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks/test_hot_paths.py --benchmark-enable -p no:cacheprovider \
		--benchmark-json benchmarks/hot_paths.json
	$(BIN)/python -m benchmarks.scale

lint: $(STAMP)
	$(BIN)/ruff check flexpool solver api tests benchmarks examples

clean:
	rm -rf $(VENV) out

bench-curtois: $(STAMP)
	$(BIN)/python -m benchmarks.curtois.run

bench-peers: $(STAMP)
	$(BIN)/python -m benchmarks.peers.run
