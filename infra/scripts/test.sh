#!/usr/bin/env bash
# `npm test`: everything a fresh clone needs, then the static checks, then every test against the real
# local stack (started here if it is not running, and left running for the next run).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash infra/scripts/bootstrap.sh
echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== stack"; node bin/starling.mjs stack up
echo "== tests"; npx vitest run "$@"
