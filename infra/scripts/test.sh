#!/usr/bin/env bash
# `npm test`: everything a fresh clone needs, then the static checks, then every test against the real
# local stack (started here if it is not running, and left running for the next run).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash infra/scripts/bootstrap.sh
echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== stack"; node bin/starling.mjs stack up
echo "== tests"
mkdir -p .starling
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.starling/test-results.json "$@" || status=$?
# One plain closing line, whatever the reporter printed above.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".starling/test-results.json", "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit $status
