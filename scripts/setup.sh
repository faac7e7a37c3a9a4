#!/usr/bin/env bash
# Sets up R Deploy on a fresh Debian/Ubuntu machine or a developer's laptop. Safe to run again:
# each step skips work that is already done.
#
#   bash scripts/setup.sh           what deploying needs (the quick start): system packages when
#                                   missing and we may install them, a running Docker engine, the
#                                   local R base image, npm packages (npm ci), the bundles, and the
#                                   `rdeploy` command (scripts/link-cli.sh)
#   bash scripts/setup.sh --tests   also what `npm test` needs: R with jsonlite and httpuv on this
#                                   machine, Debian's docker-registry and apache2-utils (htpasswd),
#                                   code-server and Chromium (scripts/setup-vscode.sh)
#   --no-build                      skip the bundles (scripts/test.sh builds them itself)
#
# Environment: RDEPLOY_APT_LOCK_TIMEOUT (seconds to wait for a busy apt/dpkg, default 900).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib-apt.sh
. scripts/lib-apt.sh
say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

tests=0 build=1
for arg in "$@"; do
  case "$arg" in
    --tests) tests=1 ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) say "unknown option: $arg (see --help)"; exit 2 ;;
  esac
done

# 1. System packages. Only on Debian-like machines where we are root; elsewhere we just check.
missing=()
add() { case " ${missing[*]-} " in *" $1 "*) ;; *) missing+=("$1") ;; esac; }
command -v docker >/dev/null || add docker.io
command -v dockerd >/dev/null || add docker.io
# debootstrap builds the local R base image (scripts/build-base-image.sh), when it is not there yet.
command -v debootstrap >/dev/null \
  || docker image inspect "${RDEPLOY_TEST_BASE_IMAGE:-rdeploy-test/r-base:bookworm}" >/dev/null 2>&1 \
  || add debootstrap
if [ "$tests" = 1 ]; then
  # Unit tests run the R runtime with this machine's R; the registry tests start their own
  # docker-registry on 127.0.0.1 with users made by `htpasswd -Bbn`.
  command -v Rscript >/dev/null || add r-base-core
  Rscript -e 'quit(status = !requireNamespace("jsonlite", quietly = TRUE))' >/dev/null 2>&1 || add r-cran-jsonlite
  Rscript -e 'quit(status = !requireNamespace("httpuv", quietly = TRUE))' >/dev/null 2>&1 || add r-cran-httpuv
  command -v docker-registry >/dev/null || add docker-registry
  command -v htpasswd >/dev/null || add apache2-utils
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    apt_install "${missing[@]}"
  else
    say "missing: ${missing[*]} — install them (or Docker Desktop) and run again"; exit 1
  fi
fi

# Debian's docker-registry package starts its own service on :5000 (/etc/docker/registry) where
# services may start (systemd, or sysvinit without a policy-rc.d that forbids it). The tests run
# their own instance; stop and disable the service we have just installed, and nothing else.
if [ "$tests" = 1 ] && [[ " ${missing[*]-} " == *" docker-registry "* ]]; then
  if [ -d /run/systemd/system ]; then
    if systemctl is-active --quiet docker-registry.service || systemctl is-enabled --quiet docker-registry.service; then
      say "stopping and disabling the docker-registry service its package started (the tests run their own)"
      systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
    fi
  else
    pidfile=/var/run/docker-registry.pid
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = docker-registry ] \
       && grep -qaF /etc/docker/registry/config.yml "/proc/$pid/cmdline"; then
      say "stopping the docker-registry service its package started (pid $pid from $pidfile; the tests run their own)"
      /etc/init.d/docker-registry stop >/dev/null 2>&1 || kill "$pid" || true
    fi
    command -v update-rc.d >/dev/null && update-rc.d docker-registry disable >/dev/null 2>&1 || true
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
bash scripts/build-base-image.sh >&2

# 4. npm packages, exactly as package-lock.json has them. node_modules/.package-lock.json is
#    npm's record of the last install: newer than the lockfile means nothing to do.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  if ! npm ci --no-audit --no-fund --loglevel=error; then
    say "npm ci failed. If it says package.json and package-lock.json are not in sync, regenerate"
    say "the lockfile (no version changes): npm install --package-lock-only --no-audit --no-fund"
    exit 1
  fi
fi

# 5. For the tests: a real VS Code (code-server 4.100.3) and Chromium.
if [ "$tests" = 1 ]; then
  bash scripts/setup-vscode.sh >/dev/null
fi

# 6. The bundles, and the `rdeploy` command.
if [ "$build" = 1 ]; then
  say "building"
  npm run --silent build
fi
bash scripts/link-cli.sh
say "ready"
