# skypact — every target creates and uses .venv inside the repository.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench soak clean

# front-end packages from the committed lock file (no install scripts run), copied into package data
WEB := src/skypact/web/static/vendor
WEB_STAMP := $(WEB)/.installed
$(WEB_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(WEB) && mkdir -p $(WEB)/swagger-ui $(WEB)/leaflet $(WEB)/topojson-client $(WEB)/world-atlas
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
	  node_modules/swagger-ui-dist/favicon-32x32.png node_modules/swagger-ui-dist/LICENSE $(WEB)/swagger-ui/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images \
	  node_modules/leaflet/LICENSE $(WEB)/leaflet/
	cp node_modules/topojson-client/dist/topojson-client.min.js node_modules/topojson-client/LICENSE $(WEB)/topojson-client/
	cp node_modules/world-atlas/land-50m.json node_modules/world-atlas/countries-50m.json \
	  node_modules/world-atlas/LICENSE $(WEB)/world-atlas/
	touch $(WEB_STAMP)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP) $(WEB_STAMP)
	$(BIN)/skypact demo-data var/demo --seed 1
	$(BIN)/skypact check var/demo/plans.json --volumes var/demo/volumes.json --lang both; \
	  code=$$?; [ $$code -le 1 ] || exit $$code; echo "(exit code $$code: 1 means conflicts were found)"
	$(BIN)/skypact demo --port 8080

lint: $(STAMP) $(WEB_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

test: lint
	$(BIN)/python -m pytest -q --durations=20

# the reliability suite at full scale (not part of make test, which runs a short version of each)
soak: $(STAMP)
	rm -f var/soak.log
	SKYPACT_SOAK=full HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -s -q -p no:cacheprovider -o timeout=0 tests/soak \
	  tests/api/test_fuzz_api.py
	@echo "--- figures (var/soak.log) ---"; cat var/soak.log

bench: $(STAMP) $(WEB_STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/skypact bench strategic --flights 35000 --seed 1
	$(BIN)/skypact bench tactical --seed 1
	$(BIN)/skypact bench service --seconds 30 --clients 8
	$(BIN)/skypact bench hostile --seconds 30
	$(BIN)/skypact bench streams --listeners 200
	$(BIN)/skypact bench reads --plans 11000
	$(BIN)/skypact bench map --tracks 5000 --tracks 10000

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis node_modules $(WEB)
