# Lysøen — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go

export NEO4J_PASSWORD ?= lysoen-dev-password

# The test suite's own Neo4j: other ports, throwaway data, never the developer's database.
TEST_NEO4J := NEO4J_INSTANCE=test NEO4J_BOLT_PORT=7688 NEO4J_HTTP_PORT=7475 NEO4J_HEAP=384m NEO4J_PAGECACHE=128m
TEST_URI ?= bolt://127.0.0.1:7688
GO_TEST_FLAGS ?= -count=1 -timeout 25m

.PHONY: run build seed test test-go lint check-generated generate fuzz-smoke fuzz load load-smoke conformance clients clients-schema race \
        e2e e2e-deps e2e-run screenshots screenshots-run with-test-neo4j web bench bench-smoke bench-deps bench-build \
        neo4j-fetch neo4j-start neo4j-stop neo4j-status neo4j-restart neo4j-reset neo4j-logs cypher-shell python-example export-venv clean

## run: fetch and start Neo4j, apply the schema, load the seed and the reference data, serve on 127.0.0.1:8080
run: build neo4j-start
	./bin/lysoen seed
	./bin/lysoen import
	exec ./bin/lysoen serve

build:
	$(GO) build -o bin/lysoen .

seed: build
	./bin/lysoen seed

## test: lint, check generated code, start the test Neo4j, run every test against it, stop it;
## then the browser tests (e2e) and the benchmark harness at the tiny scale (bench-smoke), each on a fresh test Neo4j.
## With NEO4J_TEST_URI set, every step uses that database instead (bench-smoke replaces its data).
test: lint check-generated
	@if [[ -n "$${NEO4J_TEST_URI:-}" ]]; then \
	  echo "using NEO4J_TEST_URI=$$NEO4J_TEST_URI for the Go tests, e2e and bench-smoke"; \
	  $(MAKE) --no-print-directory test-go; \
	  NEO4J_URI="$$NEO4J_TEST_URI" $(MAKE) --no-print-directory e2e; \
	  NEO4J_URI="$$NEO4J_TEST_URI" $(MAKE) --no-print-directory bench-smoke; \
	else \
	  env -u NEO4J_URI $(TEST_NEO4J) scripts/neo4j.sh reset; \
	  env -u NEO4J_URI $(TEST_NEO4J) scripts/neo4j.sh start; \
	  rc=0; NEO4J_TEST_URI=$(TEST_URI) $(MAKE) --no-print-directory test-go || rc=$$?; \
	  env -u NEO4J_URI $(TEST_NEO4J) scripts/neo4j.sh stop; \
	  if [[ $$rc != 0 ]]; then exit $$rc; fi; \
	  env -u NEO4J_URI $(MAKE) --no-print-directory e2e; \
	  env -u NEO4J_URI $(MAKE) --no-print-directory with-test-neo4j WHAT=bench-smoke; \
	fi

# Packages share the one test database, so they run one at a time (-p 1),
# under the race detector (it costs little here: most time is spent waiting
# for Neo4j; docs/operations.md). Then a few seconds of each fuzz target and
# a short load test.
test-go:
	$(GO) test -race -p 1 $(GO_TEST_FLAGS) ./...
	$(MAKE) --no-print-directory fuzz-smoke
	$(MAKE) --no-print-directory load-smoke
	$(MAKE) --no-print-directory conformance
	$(MAKE) --no-print-directory clients

# Fuzz targets: package and name. Their corpus is kept in <package>/testdata/fuzz.
FUZZ_TARGETS := ./graph/model:FuzzParseDate ./graph/store:FuzzDecodeCursor ./graph/store:FuzzNodeByID \
                ./graph:FuzzPageArgs ./graph:FuzzNormalizeISO3 ./internal/gqlserver:FuzzOperationLimits
# A count, not a duration: with a duration, Go 1.26's fuzz coordinator can
# report a spurious "context deadline exceeded" when time runs out
# (golang/go#75804, fixed in Go 1.27); a count has no deadline to race.
FUZZ_TIME ?= 2000x

## fuzz-smoke: run each fuzz target for FUZZ_TIME (needs NEO4J_TEST_URI for FuzzNodeByID)
fuzz-smoke:
	@for t in $(FUZZ_TARGETS); do pkg="$${t%%:*}"; name="$${t##*:}"; \
	  echo "fuzz $$name ($$pkg, $(FUZZ_TIME))"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZ_TIME) "$$pkg"; done

## load: the load test against the local dev Neo4j (seeded), LOAD_DURATION (2m) and LOAD_CLIENTS (32)
LOAD_DURATION ?= 2m
LOAD_CLIENTS ?= 32
load: build neo4j-start
	$(GO) run ./loadtest -server ./bin/lysoen -seed -duration $(LOAD_DURATION) -clients $(LOAD_CLIENTS) -json bin/load.json

# load-smoke: a few seconds of the same against the test database (part of `make test`).
load-smoke: build
	NEO4J_URI="$${NEO4J_TEST_URI:?NEO4J_TEST_URI is not set}" $(GO) run ./loadtest -server ./bin/lysoen -seed -duration 5s -clients 4

## conformance: graphql-http's GraphQL-over-HTTP audit against the built server (node + npm)
conformance: build
	conformance/run.sh ../bin/lysoen

## clients: check the live schema and every GraphiQL example with relay-compiler/relay-runtime, Apollo Client 4,
## GraphQL Code Generator + tsc --strict, graphql-inspector and graphql-schema-linter (test/clients; loads the seed
## into NEO4J_TEST_URI)
clients: build
	NEO4J_URI="$${NEO4J_TEST_URI:?NEO4J_TEST_URI is not set}" test/clients/run.sh ../../bin/lysoen

## clients-schema: rewrite docs/schema/public.graphql and analyst.graphql from the server's introspection
clients-schema: build
	NEO4J_URI="$${NEO4J_TEST_URI:?NEO4J_TEST_URI is not set}" UPDATE=1 test/clients/run.sh ../../bin/lysoen

## bench: the comparison benchmark (docs/benchmarks.md) against the Neo4j at NEO4J_URI: loads the synth graph
## at BENCH_SCALE (S; BENCH_LOAD=0 keeps the loaded one), then Lysøen, @neo4j/graphql and the raw-Cypher
## floor in turn, BENCH_ROUNDS x BENCH_DURATION per target and shape at BENCH_CONNECTIONS
BENCH_SCALE ?= S
BENCH_LOAD ?= 1
BENCH_DURATION ?= 10s
BENCH_ROUNDS ?= 2
BENCH_CONNECTIONS ?= 8
BENCH_PORTS ?= 4710
bench: bench-build
	@: "$${NEO4J_URI:?set NEO4J_URI to a Neo4j whose data may be replaced by the synth graph}"
	if [[ "$(BENCH_LOAD)" == 1 ]]; then $(GO) run ./synth/cmd/synth -scale $(BENCH_SCALE) -reset; fi
	$(GO) run ./bench/run -ports $(BENCH_PORTS) -duration $(BENCH_DURATION) -rounds $(BENCH_ROUNDS) -connections $(BENCH_CONNECTIONS) \
	  -json bin/bench-$(BENCH_SCALE).json -label "scale $(BENCH_SCALE)" | tee bin/bench-$(BENCH_SCALE).md

## bench-smoke: the same harness for seconds on the tiny scale (replaces the data at NEO4J_URI)
bench-smoke: bench-build
	@: "$${NEO4J_URI:?set NEO4J_URI to a Neo4j whose data may be replaced by the synth graph}"
	$(GO) run ./synth/cmd/synth -scale tiny -reset
	$(GO) run ./bench/run -ports $(BENCH_PORTS) -duration 1s -warmup 0 -prewarm 0 -rounds 1 -connections 2 -label "scale tiny (smoke)"

bench-build: build bench-deps
	$(GO) build -o bin/bench-floor ./bench/floor

bench-deps:
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	cd bench/neo4j-graphql && npm ci --no-audit --no-fund --loglevel=error

## race: the Go suite under the race detector alone, as `make test` runs it (needs NEO4J_TEST_URI)
race:
	$(GO) test -race -p 1 $(GO_TEST_FLAGS) ./...

## fuzz: longer fuzzing, FUZZ_TIME=200000x (executions per target) by default
fuzz:
	$(MAKE) --no-print-directory fuzz-smoke FUZZ_TIME=$${FUZZ_TIME:-200000x}

# staticcheck runs at a pinned version through `go run`, so go.mod holds
# only what the product needs.
STATICCHECK_VERSION ?= v0.8.2
lint:
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; if [[ -n "$$out" ]]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## generate: regenerate gqlgen code from schema.graphqls
generate:
	$(GO) run github.com/99designs/gqlgen generate

# The committed generated code must be what gqlgen produces from the committed schema.
check-generated:
	@tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	cp graph/generated.go graph/model/models_gen.go "$$tmp"/; \
	$(GO) run github.com/99designs/gqlgen generate; \
	if ! diff -q "$$tmp/generated.go" graph/generated.go >/dev/null || ! diff -q "$$tmp/models_gen.go" graph/model/models_gen.go >/dev/null; then \
	  echo "generated code is stale: run 'make generate' and commit"; cp "$$tmp/generated.go" graph/; cp "$$tmp/models_gen.go" graph/model/; exit 1; fi

## e2e: browser tests (Chromium + playwright-core) of GraphiQL and the explorer against the real server.
## Uses the Neo4j at NEO4J_URI if set, else starts (and afterwards stops) the test Neo4j;
## loads the seed and a small synthetic graph (e2e/synthload) into it.
e2e: e2e-deps
	@$(MAKE) --no-print-directory with-test-neo4j WHAT=e2e-run

## screenshots: regenerate docs/screenshots/{graphiql,explorer}.png with the same harness
screenshots: e2e-deps
	@$(MAKE) --no-print-directory with-test-neo4j WHAT=screenshots-run

e2e-deps:
	scripts/install-chromium.sh
	cd e2e && npm ci --no-audit --no-fund --loglevel=error

e2e-run:
	cd e2e && npm test

screenshots-run:
	cd e2e && npm run screenshots

with-test-neo4j:
	@if [[ -n "$${NEO4J_URI:-}" ]]; then \
	  echo "using NEO4J_URI=$$NEO4J_URI"; $(MAKE) --no-print-directory $(WHAT); \
	else \
	  env -u NEO4J_URI $(TEST_NEO4J) scripts/neo4j.sh reset; \
	  env -u NEO4J_URI $(TEST_NEO4J) scripts/neo4j.sh start; \
	  rc=0; NEO4J_URI=$(TEST_URI) $(MAKE) --no-print-directory $(WHAT) || rc=$$?; \
	  env -u NEO4J_URI $(TEST_NEO4J) scripts/neo4j.sh stop; \
	  exit $$rc; \
	fi

## web: rebuild the embedded browser bundles (GraphiQL, explorer) into web/dist/ (commit the result)
web:
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build

neo4j-fetch:
	scripts/neo4j.sh fetch
neo4j-start:
	scripts/neo4j.sh start
neo4j-stop:
	scripts/neo4j.sh stop
neo4j-status:
	scripts/neo4j.sh status
neo4j-restart:
	scripts/neo4j.sh restart
## neo4j-reset: stop the local Neo4j and delete its data (the seed reloads on the next `make run`)
neo4j-reset:
	scripts/neo4j.sh reset
neo4j-logs:
	scripts/neo4j.sh logs
## cypher-shell: cypher-shell on the local database; `make cypher-shell < docs/cookbook/01-luncheon-attendees.cypher`,
## or pass arguments: `make cypher-shell ARGS='--format plain "MATCH (n) RETURN count(n)"'`
cypher-shell:
	scripts/neo4j.sh cypher-shell $(ARGS)

## export-venv: the Python environment (networkx, igraph, pandas; pinned) that the export tests and
## docs/exports.md read exports with, in bin/export-venv (the tests also create it when missing)
EXPORT_REQUIREMENTS := internal/export/exporttest/consumers/requirements.txt
export-venv:
	@command -v python3 >/dev/null || { echo "python3 is required (apt-get install python3 python3-venv)"; exit 1; }
	@[[ -x bin/export-venv/bin/python ]] || python3 -m venv bin/export-venv
	bin/export-venv/bin/pip install --quiet --disable-pip-version-check -r $(EXPORT_REQUIREMENTS)

## python-example: the official Python driver answers three cookbook questions (NEO4J_URI, default the local database)
PYTHON_VENV := examples/python/.venv
python-example:
	@command -v python3 >/dev/null || { echo "python3 is required (apt-get install python3 python3-venv)"; exit 1; }
	@[[ -x $(PYTHON_VENV)/bin/python ]] || python3 -m venv $(PYTHON_VENV)
	$(PYTHON_VENV)/bin/pip install --quiet --disable-pip-version-check -r examples/python/requirements.txt
	NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:7687} $(PYTHON_VENV)/bin/python examples/python/cookbook.py

clean:
	rm -rf bin
