#!/usr/bin/env bash
# `npm run bench`: the benchmarks (bench/). None exist yet; see the open benchmark issue.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash infra/scripts/bootstrap.sh
echo "no benchmarks yet"
