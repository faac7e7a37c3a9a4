#!/usr/bin/env bash
# Sets up everything R Deploy's quick start and tests need, on a fresh Debian/Ubuntu machine or a
# developer's laptop: system packages (when missing and we may install them), a running Docker
# engine, the local R base image, npm packages, code-server and Chromium, and the bundles. Safe to run again: each step
# skips work that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

# 1. System packages. Only on Debian-like machines where we are root; elsewhere we just check.
missing=()
command -v docker >/dev/null || missing+=(docker.io)
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v Rscript >/dev/null || missing+=(r-base-core)
Rscript -e 'quit(status = !requireNamespace("jsonlite", quietly = TRUE))' >/dev/null 2>&1 || missing+=(r-cran-jsonlite)
Rscript -e 'quit(status = !requireNamespace("httpuv", quietly = TRUE))' >/dev/null 2>&1 || missing+=(r-cran-httpuv)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing: ${missing[*]} — install them (or Docker Desktop) and run again"; exit 1
  fi
fi

# 2. A Docker engine. Start one ourselves only where none answers and we run as root with no
#    engine configured elsewhere: no bridge network and no iptables rules (host networking only).
if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && [ -z "${DOCKER_HOST:-}" ] && command -v dockerd >/dev/null; then
    say "starting dockerd"
    mkdir -p /var/log
    nohup dockerd --host unix:///var/run/docker.sock --bridge=none --iptables=false >/var/log/rdeploy-dockerd.log 2>&1 &
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { tail -20 /var/log/rdeploy-dockerd.log >&2; say "dockerd did not start"; exit 1; }
  else
    say "no Docker engine answers: start Docker and run again"; exit 1
  fi
fi

# 3. The local R base image (no registry is needed): R from Debian, used in place of rocker/r-ver.
bash scripts/build-base-image.sh

# 4. npm packages and bundles.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  # `npm install`, not `npm ci`: npm 11.19 rejects every lockfile here as "out of sync" (it wants
  # the optional per-platform packages of rollup listed); install still honours the lock.
  npm install --no-audit --no-fund --loglevel=error
fi
# 5. A real VS Code (code-server 4.100.3) and Chromium for the extension's tests.
say "setting up code-server and Chromium"
bash scripts/setup-vscode.sh

say "building"
npm run --silent build
say "ready"
