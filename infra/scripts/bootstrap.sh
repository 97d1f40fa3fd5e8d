#!/usr/bin/env bash
# Installs everything Starling needs on a fresh Debian machine: idempotent, no prompts. Run as root (it
# calls apt-get); on a machine that already has everything it only checks and returns in about a second.
#   Debian: MariaDB 10.11, PostgreSQL 15, Java 17, Maven (the Maven artifacts are resolved by `stack up`),
#           Chromium (headless, for the health page's browser test; driven by playwright-core, which
#           downloads no browser of its own).
#   npm:    the workspace's packages (npm ci), then the TypeScript build.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || need+=(mariadb-client)
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "starling: these Debian packages are missing and installing them needs root: ${need[*]}" >&2
    echo "          run: sudo apt-get install -y ${need[*]}" >&2
    exit 2
  fi
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get update -q >/tmp/starling-apt.log 2>&1; then
    echo "starling: apt-get update failed (is the package repository reachable?); see /tmp/starling-apt.log" >&2
    tail -5 /tmp/starling-apt.log >&2
    exit 2
  fi
  if ! apt-get install -y -q --no-install-recommends "${need[@]}" >>/tmp/starling-apt.log 2>&1; then
    echo "starling: apt-get install ${need[*]} failed; see /tmp/starling-apt.log" >&2
    tail -5 /tmp/starling-apt.log >&2
    exit 2
  fi
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Rebuild when any TypeScript source is newer than the last build.
if [ ! -f dist/.built ] || [ -n "$(find core connectors schemas streams sinks ops infra seeds bench -name '*.ts' -newer dist/.built 2>/dev/null | head -1)" ]; then
  npm run --silent build
  touch dist/.built
fi
