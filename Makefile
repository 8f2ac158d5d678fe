# Lysøen — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go

export NEO4J_PASSWORD ?= lysoen-dev-password

# The test suite's own Neo4j: other ports, throwaway data, never the developer's database.
TEST_NEO4J := NEO4J_INSTANCE=test NEO4J_BOLT_PORT=7688 NEO4J_HTTP_PORT=7475 NEO4J_HEAP=384m NEO4J_PAGECACHE=128m
TEST_URI ?= bolt://127.0.0.1:7688
GO_TEST_FLAGS ?= -count=1 -timeout 15m

.PHONY: run build seed test test-go lint check-generated generate \
        neo4j-fetch neo4j-start neo4j-stop neo4j-status neo4j-restart neo4j-reset neo4j-logs cypher-shell python-example clean

## run: fetch and start Neo4j, apply the schema, load the seed and the reference data, serve on 127.0.0.1:8080
run: build neo4j-start
	./bin/lysoen seed
	./bin/lysoen import
	exec ./bin/lysoen serve

build:
	$(GO) build -o bin/lysoen .

seed: build
	./bin/lysoen seed

## test: lint, check generated code, start the test Neo4j, run every test against it, stop it
test: lint check-generated
	@if [[ -n "$${NEO4J_TEST_URI:-}" ]]; then \
	  echo "using NEO4J_TEST_URI=$$NEO4J_TEST_URI"; $(MAKE) --no-print-directory test-go; \
	else \
	  env -u NEO4J_URI $(TEST_NEO4J) scripts/neo4j.sh reset; \
	  env -u NEO4J_URI $(TEST_NEO4J) scripts/neo4j.sh start; \
	  rc=0; NEO4J_TEST_URI=$(TEST_URI) $(MAKE) --no-print-directory test-go || rc=$$?; \
	  env -u NEO4J_URI $(TEST_NEO4J) scripts/neo4j.sh stop; \
	  exit $$rc; \
	fi

# Packages share the one test database, so they run one at a time (-p 1).
test-go:
	$(GO) test -p 1 $(GO_TEST_FLAGS) ./...

lint:
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; if [[ -n "$$out" ]]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

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

## python-example: the official Python driver answers three cookbook questions (NEO4J_URI, default the local database)
PYTHON_VENV := examples/python/.venv
python-example:
	@command -v python3 >/dev/null || { echo "python3 is required (apt-get install python3 python3-venv)"; exit 1; }
	@[[ -x $(PYTHON_VENV)/bin/python ]] || python3 -m venv $(PYTHON_VENV)
	$(PYTHON_VENV)/bin/pip install --quiet --disable-pip-version-check -r examples/python/requirements.txt
	NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:7687} $(PYTHON_VENV)/bin/python examples/python/cookbook.py

clean:
	rm -rf bin
