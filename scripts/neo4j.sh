#!/usr/bin/env bash
# neo4j.sh — assemble Neo4j Community from Maven Central and run it locally.
#
#   scripts/neo4j.sh fetch     download the jars (once per version) into .neo4j/lib-<version>
#   scripts/neo4j.sh start     write neo4j.conf, set the initial password, start, wait for Bolt
#   scripts/neo4j.sh stop      stop; data stays in .neo4j/<instance>/data
#   scripts/neo4j.sh status    running or not, with pid, ports and folders
#   scripts/neo4j.sh restart   stop then start
#   scripts/neo4j.sh reset     stop and delete this instance's data and logs (asks no question)
#   scripts/neo4j.sh logs      follow neo4j.log
#   scripts/neo4j.sh cypher-shell [args]   cypher-shell (also from Maven Central) on this instance
#
# Why Maven Central: no Docker engine and no vendor download site are reachable
# here, but the whole Community server is published as jars
# (org.neo4j.app:neo4j-server plus its dependencies), see scripts/neo4j-pom.xml.
#
# Settings (environment):
#   NEO4J_URI         if set, a remote/other database is in use: start/stop do nothing
#   NEO4J_PASSWORD    password of user neo4j, set before the first start (default lysoen-dev-password)
#   NEO4J_INSTANCE    instance name, one folder per instance (default dev; tests use "test")
#   NEO4J_BOLT_PORT   default 7687      NEO4J_HTTP_PORT  default 7474
#   NEO4J_HEAP        default 512m      NEO4J_PAGECACHE  default 256m
#   NEO4J_VERSION     default 5.26.30   LYSOEN_NEO4J_DIR default <repo>/.neo4j
#   NEO4J_START_TIMEOUT seconds to wait for Bolt (default 180)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NEO4J_VERSION="${NEO4J_VERSION:-5.26.30}"
BASE="${LYSOEN_NEO4J_DIR:-$ROOT/.neo4j}"
INSTANCE="${NEO4J_INSTANCE:-dev}"
BOLT_PORT="${NEO4J_BOLT_PORT:-7687}"
HTTP_PORT="${NEO4J_HTTP_PORT:-7474}"
PASSWORD="${NEO4J_PASSWORD:-lysoen-dev-password}"
HEAP="${NEO4J_HEAP:-512m}"
PAGECACHE="${NEO4J_PAGECACHE:-256m}"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-180}"

LIB="$BASE/lib-$NEO4J_VERSION"
SHELL_LIB="$BASE/cypher-shell-$NEO4J_VERSION"
HOME_DIR="$BASE/$INSTANCE"
CONF_DIR="$HOME_DIR/conf"
DATA_DIR="$HOME_DIR/data"
LOG_DIR="$HOME_DIR/logs"
RUN_DIR="$HOME_DIR/run"
PID_FILE="$RUN_DIR/neo4j.pid"

say() { printf 'neo4j[%s]: %s\n' "$INSTANCE" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Neo4j 5.26 wants Java 17 or 21; prefer the machine's 17 even if JAVA_HOME points at 25.
pick_java() {
  if [[ -n "${NEO4J_JAVA_HOME:-}" ]]; then JAVA="$NEO4J_JAVA_HOME/bin/java"; return; fi
  for j in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64 /usr/lib/jvm/java-21-openjdk-amd64; do
    if [[ -x "$j/bin/java" ]]; then JAVA="$j/bin/java"; return; fi
  done
  JAVA="$(command -v java || true)"
  [[ -n "$JAVA" ]] || die "no java found; install openjdk-17-jre-headless"
}

remote_in_use() {
  if [[ -n "${NEO4J_URI:-}" ]]; then
    say "NEO4J_URI=$NEO4J_URI is set: using that database, not starting a local one"
    return 0
  fi
  return 1
}

# mvn -q still prints colour resets on some versions: strip them from the log.
maven() {
  mvn -q -B -Dstyle.color=never "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
  return "${PIPESTATUS[0]}"
}

fetch() {
  if [[ -f "$LIB/.complete" ]]; then return; fi
  command -v mvn >/dev/null || die "mvn not found; install maven (apt-get install -y maven)"
  say "fetching Neo4j Community $NEO4J_VERSION from Maven Central into $LIB (about 140 MB, once)"
  local tmp="$LIB.tmp.$$"
  rm -rf "$tmp"
  maven -f "$ROOT/scripts/neo4j-pom.xml" -Dneo4j.version="$NEO4J_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
    || { rm -rf "$tmp"; die "maven could not fetch Neo4j $NEO4J_VERSION"; }
  touch "$tmp/.complete"
  rm -rf "$LIB"
  mv "$tmp" "$LIB" # the folder appears whole or not at all
  say "fetched $(ls "$LIB" | wc -l) jars"
}

fetch_shell() {
  if [[ -f "$SHELL_LIB/.complete" ]]; then return; fi
  say "fetching cypher-shell $NEO4J_VERSION from Maven Central"
  local tmp="$SHELL_LIB.tmp.$$" pom="$BASE/cypher-shell-pom.xml"
  mkdir -p "$BASE"
  cat >"$pom" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>org.lysoen</groupId><artifactId>cypher-shell-assembly</artifactId><version>1</version><packaging>pom</packaging>
<dependencies><dependency><groupId>org.neo4j</groupId><artifactId>cypher-shell</artifactId><version>$NEO4J_VERSION</version></dependency></dependencies>
</project>
EOF
  maven -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
    || { rm -rf "$tmp"; die "maven could not fetch cypher-shell $NEO4J_VERSION"; }
  touch "$tmp/.complete"
  rm -rf "$SHELL_LIB"
  mv "$tmp" "$SHELL_LIB"
}

write_conf() {
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR" "$HOME_DIR/plugins" "$HOME_DIR/import"
  # lib is shared by all instances of the same version.
  ln -sfn "$LIB" "$HOME_DIR/lib"
  cat >"$CONF_DIR/neo4j.conf" <<EOF
# Written by scripts/neo4j.sh on every start; edit the script, not this file.
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.listen_address=127.0.0.1:$BOLT_PORT
server.bolt.advertised_address=127.0.0.1:$BOLT_PORT
server.http.listen_address=127.0.0.1:$HTTP_PORT
server.http.advertised_address=127.0.0.1:$HTTP_PORT
server.https.enabled=false
server.directories.data=$DATA_DIR
server.directories.logs=$LOG_DIR
server.directories.run=$RUN_DIR
server.directories.plugins=$HOME_DIR/plugins
server.directories.import=$HOME_DIR/import
# Small on purpose: a 2-core machine shared with the API server and the tests.
server.memory.heap.initial_size=$HEAP
server.memory.heap.max_size=$HEAP
server.memory.pagecache.size=$PAGECACHE
# Query memory. Neo4j tracks what its operators hold (collect, sort,
# aggregation, …) against these limits and fails the one transaction that
# would go over: no single transaction may take more than half the pool.
dbms.memory.transaction.total.max=256m
db.memory.transaction.max=128m
db.transaction.timeout=60s
# A transaction that starts from a bookmark this server has not reached
# waits this long for it (the default, 30s, let forged bookmarks hold
# connections); docs/operations.md.
db.transaction.bookmark_ready_timeout=2s
dbms.usage_report.enabled=false
dbms.security.auth_enabled=true
server.jvm.additional=--add-opens=java.base/java.nio=ALL-UNNAMED
server.jvm.additional=--add-opens=java.base/java.io=ALL-UNNAMED
server.jvm.additional=--add-opens=java.base/sun.nio.ch=ALL-UNNAMED
server.jvm.additional=--enable-native-access=ALL-UNNAMED
server.jvm.additional=-Dio.netty.tryReflectionSetAccessible=true
server.jvm.additional=-XX:+UseG1GC
# No -XX:+ExitOnOutOfMemoryError: values built inside one expression (a list
# comprehension over range(1, 20000000), a string doubled in reduce()) are
# not tracked by the transaction limits above, and with that flag one such
# read would stop the whole server. Without it the OutOfMemoryError is
# thrown in the thread running that query: its transaction fails, its heap
# is reclaimed, and every other session carries on (docs/operations.md).
EOF
}

neo4j_cmd() {
  NEO4J_HOME="$HOME_DIR" NEO4J_CONF="$CONF_DIR" JAVA_HOME="$(dirname "$(dirname "$JAVA")")" \
    "$JAVA" -cp "$LIB/*" "$@"
}

is_running() {
  [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

# The database answers a query: stronger than "the port is open".
answers() {
  curl -fsS -m 5 -u "neo4j:$PASSWORD" -H 'Content-Type: application/json' \
    -d '{"statements":[{"statement":"RETURN 1"}]}' \
    "http://127.0.0.1:$HTTP_PORT/db/neo4j/tx/commit" 2>/dev/null | grep -q '"errors":\[\]'
}

bolt_open() { (exec 3<>"/dev/tcp/127.0.0.1/$BOLT_PORT") 2>/dev/null; }

start() {
  remote_in_use && return 0
  pick_java
  fetch
  if is_running; then
    say "already running (pid $(cat "$PID_FILE")), bolt://127.0.0.1:$BOLT_PORT"
    return 0
  fi
  write_conf
  if [[ ! -f "$DATA_DIR/dbms/auth.ini" ]]; then
    [[ ${#PASSWORD} -ge 8 ]] || die "NEO4J_PASSWORD must have at least 8 characters"
    neo4j_cmd org.neo4j.server.startup.Neo4jAdminCommand dbms set-initial-password "$PASSWORD" >/dev/null \
      || die "could not set the initial password"
  fi
  say "starting Neo4j $NEO4J_VERSION (heap $HEAP, page cache $PAGECACHE) with $("$JAVA" -version 2>&1 | head -1)"
  neo4j_cmd org.neo4j.server.startup.Neo4jCommand start >"$LOG_DIR/start.out" 2>&1 || {
    cat "$LOG_DIR/start.out" >&2
    fail_with_logs "the launcher failed"
  }
  local waited=0
  until bolt_open && answers; do
    if ! is_running; then fail_with_logs "Neo4j exited during start-up"; fi
    if ((waited >= START_TIMEOUT)); then fail_with_logs "Bolt did not answer within ${START_TIMEOUT}s"; fi
    sleep 1
    waited=$((waited + 1))
  done
  say "ready after ${waited}s: bolt://127.0.0.1:$BOLT_PORT  http://127.0.0.1:$HTTP_PORT/browser/  (user neo4j)"
  say "logs: $LOG_DIR/neo4j.log  data: $DATA_DIR"
}

fail_with_logs() {
  say "error: $1; last lines of $LOG_DIR:"
  for f in "$LOG_DIR/neo4j.log" "$LOG_DIR/debug.log"; do
    [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 25 "$f" >&2; }
  done
  exit 1
}

stop() {
  remote_in_use && return 0
  if ! is_running; then
    say "not running"
    return 0
  fi
  pick_java
  neo4j_cmd org.neo4j.server.startup.Neo4jCommand stop >/dev/null
  say "stopped (data kept in $DATA_DIR)"
}

status() {
  if [[ -n "${NEO4J_URI:-}" ]]; then say "NEO4J_URI=$NEO4J_URI (remote; nothing local)"; return 0; fi
  if is_running; then
    if answers; then
      say "running (pid $(cat "$PID_FILE")), bolt://127.0.0.1:$BOLT_PORT, http://127.0.0.1:$HTTP_PORT, data $DATA_DIR, logs $LOG_DIR"
    else
      say "process $(cat "$PID_FILE") alive but the database does not answer yet (logs $LOG_DIR)"
      return 1
    fi
  else
    say "not running (data $DATA_DIR)"
    return 3
  fi
}

reset() {
  remote_in_use && die "refusing to reset: NEO4J_URI is set"
  stop
  rm -rf "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
  say "reset: data and logs of instance $INSTANCE deleted"
}

cypher_shell() {
  pick_java
  fetch_shell
  local uri="${NEO4J_URI:-bolt://127.0.0.1:$BOLT_PORT}"
  "$JAVA" -cp "$SHELL_LIB/*" org.neo4j.shell.Main -a "$uri" -u "${NEO4J_USER:-neo4j}" -p "$PASSWORD" "$@"
}

cmd="${1:-status}"
shift || true
case "$cmd" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop; start ;;
  reset) reset ;;
  logs) tail -F "$LOG_DIR/neo4j.log" ;;
  cypher-shell) cypher_shell "$@" ;;
  *) die "unknown command '$cmd' (fetch|start|stop|status|restart|reset|logs|cypher-shell)" ;;
esac
