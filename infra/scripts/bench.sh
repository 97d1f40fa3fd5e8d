#!/usr/bin/env bash
# `npm run bench`: the benchmarks (bench/), against the local stack (started here when it is not running).
# Arguments go to the staging benchmark (the conform benchmark runs after it with its defaults): npm run bench -- --changes 50000 --rate 1000 --duration 30
set -euo pipefail
cd "$(dirname "$0")/../.."
bash infra/scripts/bootstrap.sh
node bin/starling.mjs stack up
npx tsx bench/staging.ts "$@"
npx tsx bench/conform.ts
