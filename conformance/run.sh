#!/usr/bin/env bash
# Start the built server on a free loopback port, run the graphql-http audit
# against it, stop the server (SIGTERM). Exits non-zero if any audit fails.
# The audits exercise only the HTTP protocol ({ __typename } and invalid
# requests), so the server's Neo4j need not be up.
set -euo pipefail
cd "$(dirname "$0")"
bin="${1:-../bin/lysoen}"
[[ -d node_modules/graphql-http ]] || npm ci --no-audit --no-fund --loglevel=error
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
log="$(mktemp)"
LYSOEN_RATE_LIMIT=0 LYSOEN_LOG_LEVEL=warn "$bin" serve -addr "127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
node audit.mjs "http://127.0.0.1:$port/graphql"
