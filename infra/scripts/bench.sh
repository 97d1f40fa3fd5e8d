#!/usr/bin/env bash
# `npm run bench`: the benchmarks (bench/), against the local stack (started here when it is not running),
# one after the other (never two at once: they would measure each other). Results: bench/results/*.json.
#
#   npm run bench                      default sizes (about 12 minutes on 2 cores)
#   npm run bench -- --quick           small sizes (a few minutes): a smoke run, not numbers to quote
#   npm run bench -- --only sink       one of: sink, pipeline, conform, dashboard (repeatable)
#   BENCH_SINK_ARGS="--events 300000" BENCH_PIPELINE_ARGS="--rates 2000" npm run bench
#                                      options of each benchmark (npx tsx bench/<name>.ts --help)
set -euo pipefail
cd "$(dirname "$0")/../.."

only=()
quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --only) shift; only+=("${1:?--only needs a benchmark name}") ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for b in "${only[@]}"; do
  case "$b" in sink|pipeline|conform|dashboard) ;; *) echo "--only: unknown benchmark $b (sink, pipeline, conform, dashboard)" >&2; exit 2 ;; esac
done
want() { [ ${#only[@]} -eq 0 ] || [[ " ${only[*]} " == *" $1 "* ]]; }

sink_args=${BENCH_SINK_ARGS:-}
pipeline_args=${BENCH_PIPELINE_ARGS:-}
conform_args=${BENCH_CONFORM_ARGS:-}
dashboard_args=${BENCH_DASHBOARD_ARGS:-}
if [ "$quick" = 1 ]; then
  sink_args="--events 50000 --sweep-events 20000 --batch-sizes 1000,5000 $sink_args"
  pipeline_args="--rates 1000,2000 --duration 15 --pause 10 $pipeline_args"
  conform_args="--scale 3 $conform_args"
  dashboard_args="--facts 50000 --runs 3 $dashboard_args"
fi

bash infra/scripts/bootstrap.sh
node bin/starling.mjs stack up
started=$(date +%s)
# shellcheck disable=SC2086 # the argument strings are word-split on purpose
{
  want sink && npx tsx bench/sink.ts $sink_args
  want pipeline && npx tsx bench/pipeline.ts $pipeline_args
  want conform && npx tsx bench/conform.ts $conform_args
  want dashboard && npx tsx bench/dashboard.ts $dashboard_args
  true
}
echo "benchmarks done in $(( $(date +%s) - started )) s; results in bench/results/"
