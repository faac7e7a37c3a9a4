#!/usr/bin/env bash
# Installs what the VS Code integration and UI tests need: code-server 4.100.3 (VS Code 1.100.3,
# the minimum engine in package.json; its extension host runs in Node exactly where the extension
# runs) and Debian's Chromium for Playwright. No desktop VS Code can be downloaded on CI machines;
# code-server comes from the npm registry.
#
# Idempotent and fast when done: a stamp file marks a complete, smoke-tested install.
# Prints the code-server path on its last line of stdout (the runners find it themselves).
# Environment: RDEPLOY_CACHE (default ~/.cache/rdeploy) holds the install, outside the repository.
set -euo pipefail
say() { printf '\033[1msetup-vscode:\033[0m %s\n' "$*" >&2; }

VERSION=4.100.3
CACHE="${RDEPLOY_CACHE:-$HOME/.cache/rdeploy}"
DIR="$CACHE/code-server-$VERSION"
BIN="$DIR/node_modules/.bin/code-server"
STAMP="$DIR/.rdeploy-installed"

if [ -f "$STAMP" ] && [ -x "$BIN" ] && [ -x /usr/bin/chromium ]; then
  echo "$BIN"; exit 0
fi

# 1. System packages: headers code-server's native modules build against, ripgrep (handed to
#    @vscode/ripgrep below) and the browser. Only when missing, and only where we may install.
missing=()
for pkg in libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev ripgrep chromium; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
command -v make >/dev/null && command -v g++ >/dev/null || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    # shellcheck source=scripts/lib-apt.sh
    . "$(dirname "$0")/lib-apt.sh"
    apt_install "${missing[@]}"
  else
    say "missing: ${missing[*]} — install them and run again"; exit 1
  fi
fi
command -v rg >/dev/null || { say "ripgrep (rg) not found"; exit 1; }

# 2. @vscode/ripgrep's postinstall downloads rg from GitHub, which CI cannot reach. It first looks
#    for the tarball in /tmp/vscode-ripgrep-cache-<its version>/: hand it Debian's rg there.
for v in 1.15.9 1.15.10 1.15.11 1.15.13 1.15.14 1.17.0 1.17.1 1.18.0; do
  d="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$v"
  f="$d/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  [ -s "$f" ] || { mkdir -p "$d"; tar czf "$f" -C "$(dirname "$(command -v rg)")" rg; }
done

# 3. code-server from the npm registry. Its postinstall (which installs VS Code's own modules in
#    lib/vscode) and the native modules' install scripts must run. npm 11 warns about install
#    scripts not listed in an allowScripts policy but still runs them unless strict-allow-scripts
#    is set; an explicit allow-all keeps this working if the default tightens. code-server's
#    postinstall refuses to run as root unless npm passes unsafe-perm (npm 11 calls the flag
#    unknown but still hands it to scripts as npm_config_unsafe_perm). argon2 and the
#    VS Code natives fall back to building from source (their prebuilt downloads are unreachable).
say "installing code-server $VERSION into $DIR (about a minute)"
rm -rf "$DIR"
mkdir -p "$DIR"
cat >"$DIR/package.json" <<'JSON'
{ "name": "rdeploy-code-server", "private": true, "description": "code-server for R Deploy's VS Code tests" }
JSON
scripts_flag=()
if npm help install 2>/dev/null | grep -q 'dangerously-allow-all-scripts'; then
  scripts_flag=(--dangerously-allow-all-scripts)
fi
log="$DIR/install.log"
if ! (cd "$DIR" && npm_config_yes=true npm install "code-server@$VERSION" \
      --unsafe-perm --ignore-scripts=false "${scripts_flag[@]}" --foreground-scripts \
      --no-audit --no-fund --no-save --loglevel=warn >"$log" 2>&1); then
  tail -40 "$log" >&2; say "npm install code-server failed (full log: $log)"; exit 1
fi

# 4. Smoke test: the binary answers, and the modules the install scripts build are there.
vs="$DIR/node_modules/code-server/lib/vscode/node_modules"
for f in "$vs/@vscode/ripgrep/bin/rg" "$vs/node-pty/build/Release/pty.node"; do
  [ -e "$f" ] || { tail -40 "$log" >&2; say "incomplete install: $f missing (log: $log)"; exit 1; }
done
"$BIN" --version >/dev/null
touch "$STAMP"
say "code-server $VERSION ready"
echo "$BIN"
