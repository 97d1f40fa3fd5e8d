#!/usr/bin/env bash
# `npm start`: the main job on a fresh machine. Installs what is missing, brings the local stack up, loads
# SoftCart (sales into MariaDB, the catalog), registers capture and runs the pipeline in the foreground (Ctrl-C stops it gracefully; the
# stack keeps running until `npm run stack:down`).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash infra/scripts/bootstrap.sh
node bin/starling.mjs stack up
node bin/starling.mjs seed softcart
node bin/starling.mjs seed catalog
# The course's own tables for the dashboard (sales history, search terms) exist only as the course's files:
# a clone without them (exit code 2, "needs the course file") goes on without those panels.
optional_seed() {
  local rc=0
  node bin/starling.mjs seed "$1" || rc=$?
  if [ "$rc" -eq 2 ]; then echo "  (skipped: the dashboard's $1 panels stay empty)"; elif [ "$rc" -ne 0 ]; then exit "$rc"; fi
}
optional_seed sales-history
optional_seed search-terms
node bin/starling.mjs connectors register
node bin/starling.mjs connectors status
# The web-log stream follows a copy of the course's access log (lines appended to it stream on; `starling
# weblog archive` writes the daily tar files); without the course files it stays off unless configured.
if [ -z "${STARLING_WEBLOG_FILE:-}" ]; then
  course="${STARLING_SOFTCART_DIR:-../shared/data/softcart}"
  home="${STARLING_HOME:-.starling}"
  case "$home" in /*) ;; *) home="$PWD/$home" ;; esac
  if [ -f "$course/accesslog.txt" ]; then
    mkdir -p "$home/weblog"
    [ -f "$home/weblog/access.log" ] || cp "$course/accesslog.txt" "$home/weblog/access.log"
    export STARLING_WEBLOG_FILE="$home/weblog/access.log"
    echo "web-log stream: following $STARLING_WEBLOG_FILE"
  fi
fi
echo "starting the pipeline (staging mirror, conform processors, warehouse star); Ctrl-C to stop"
# A 32 MB young generation (V8's default is 16): the sinks allocate short-lived objects per event, and
# scavenging them less often gave about 20% more events/s for a few MB of memory (npm run bench, sink).
exec node --max-semi-space-size=32 bin/starling.mjs run
