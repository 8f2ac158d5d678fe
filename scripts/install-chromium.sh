#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing
# (e2e/ drives it with playwright-core; no browser is downloaded by npm).
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ -x "$CHROMIUM" ]]; then
  exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
  echo "install-chromium: $CHROMIUM is missing; run as root: apt-get update && apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
"$CHROMIUM" --version
