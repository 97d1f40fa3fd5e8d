#!/usr/bin/env bash
# `npm start`: the main job on a fresh machine. Installs what is missing, brings the local stack up and
# registers capture.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash infra/scripts/bootstrap.sh
node bin/starling.mjs stack up
node bin/starling.mjs connectors register
node bin/starling.mjs connectors status
