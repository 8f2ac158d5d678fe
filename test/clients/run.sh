#!/usr/bin/env bash
# Checks the live schema and every GraphiQL example with the client tools
# people use (check.mjs says which and how). Loads the seed into the
# database at NEO4J_URI (a test database: its data is replaced), starts the
# built server on a free loopback port with the Cypher field enabled and one
# analyst key, runs the checks, stops the server (SIGTERM).
set -euo pipefail
cd "$(dirname "$0")"
bin="$(cd "$(dirname "${1:-../../bin/lysoen}")" && pwd)/$(basename "${1:-../../bin/lysoen}")"
: "${NEO4J_URI:?NEO4J_URI is not set (the test database)}"
[[ -d node_modules/relay-compiler ]] || npm ci --no-audit --no-fund --loglevel=error
"$bin" seed >/dev/null
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
key="clients-check-$RANDOM$RANDOM"
hash="$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)"
log="$(mktemp)"
LYSOEN_RATE_LIMIT=0 LYSOEN_LOG_LEVEL=warn LYSOEN_CYPHER_ENABLED=true LYSOEN_API_KEYS="clients:analyst:$hash" \
  "$bin" serve -addr "127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
if ! LYSOEN_ANALYST_KEY="$key" node check.mjs "http://127.0.0.1:$port/graphql"; then
  echo "server log:"; tail -n 20 "$log"
  exit 1
fi
