#!/usr/bin/env bash
# Puts the `rdeploy` command on the PATH, running this clone's CLI (dist/cli.js), like `npm link`
# but without sudo and without touching node_modules: a small launcher goes into npm's global bin
# directory when we may write there (root, or a user-owned npm prefix), else into ~/.local/bin.
# Says so when that directory is not on the PATH. Run again to re-link (e.g. from another clone);
# delete the launcher to unlink. Only a launcher written by this script, or a symlink to some
# rdeploy dist/cli.js (`npm link`), is replaced; anything else is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1mlink-cli:\033[0m %s\n' "$*" >&2; }

repo="$PWD"
cli="$repo/dist/cli.js"
MARK='# rdeploy launcher written by scripts/link-cli.sh'

prefix="$(npm prefix -g 2>/dev/null || true)"
if [ -n "$prefix" ] && [ -d "$prefix/bin" ] && [ -w "$prefix/bin" ]; then
  bindir="$prefix/bin"
else
  bindir="$HOME/.local/bin"
fi
launcher="$bindir/rdeploy"

if [ -e "$launcher" ] || [ -L "$launcher" ]; then
  if [ -L "$launcher" ]; then
    case "$(readlink -f "$launcher" 2>/dev/null || true)" in
      */dist/cli.js) ;;
      *) say "$launcher exists and is not R Deploy's: left alone (run node $cli instead)"; exit 0 ;;
    esac
  elif ! grep -qF "$MARK" "$launcher" 2>/dev/null; then
    say "$launcher exists and was not written by this script: left alone (run node $cli instead)"; exit 0
  fi
fi

new="$(mktemp)"
{
  echo '#!/usr/bin/env bash'
  echo "$MARK"
  echo "# from the clone in $repo. Delete this file to unlink; that script links again."
  printf 'cli=%q\n' "$cli"
  # shellcheck disable=SC2016
  echo '[ -f "$cli" ] || { echo "rdeploy: $cli is missing: run npm run build in ${cli%/dist/cli.js}" >&2; exit 1; }'
  echo 'exec node "$cli" "$@"'
} >"$new"
if [ -f "$launcher" ] && ! [ -L "$launcher" ] && cmp -s "$new" "$launcher"; then
  rm -f "$new"
else
  mkdir -p "$bindir"
  old=""
  if [ -L "$launcher" ]; then old="$(readlink -f "$launcher")"
  elif [ -f "$launcher" ]; then old="$(sed -n 's/^cli=//p' "$launcher")"; fi
  chmod 755 "$new"
  mv -f "$new" "$launcher"
  if [ -n "$old" ] && [ "$old" != "$cli" ]; then
    say "rdeploy now runs $cli (it ran $old)"
  else
    say "linked rdeploy: $launcher runs $cli"
  fi
fi

found="$(command -v rdeploy 2>/dev/null || true)"
if [ "$found" != "$launcher" ]; then
  case ":$PATH:" in
    *":$bindir:"*) say "note: $found comes first on your PATH; this clone's rdeploy is $launcher" ;;
    *) say "note: $bindir is not on your PATH: add it (export PATH=\"$bindir:\$PATH\", e.g. in ~/.profile) to type rdeploy; until then run $launcher or node dist/cli.js" ;;
  esac
fi
