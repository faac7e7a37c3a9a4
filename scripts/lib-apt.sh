# Sourced by the set-up scripts: apt-get that waits for apt's and dpkg's locks instead of dying.
#
# On a fresh machine apt is often busy (unattended-upgrades, apt-daily, cloud-init): apt-get then
# fails at once with "E: Could not get lock /var/lib/dpkg/lock-frontend" (exit 100). apt_get
# says that it is waiting, and for whom, then waits up to RDEPLOY_APT_LOCK_TIMEOUT seconds
# (default 900): `-o DPkg::Lock::Timeout` for dpkg's lock; apt 2.6's `apt-get update` ignores that
# option for the package lists' lock (/var/lib/apt/lists/lock), so it is retried while that is held.
# needrestart (Ubuntu) is kept quiet: NEEDRESTART_SUSPEND skips its apt hook, which otherwise
# prints `readline() on closed filehandle HENV` without a terminal.
#
#   apt_get update -qq
#   apt_install PKG...     # update once per set-up run (RDEPLOY_APT_UPDATED), then install quietly

RDEPLOY_APT_LOCK_TIMEOUT="${RDEPLOY_APT_LOCK_TIMEOUT:-900}"

apt_get() {
  local errf rc waited=0 start=$SECONDS left holder
  errf="$(mktemp)"
  # First try: no waiting, so that we can say what we wait for before we wait.
  local timeout=0
  while :; do
    rc=0
    DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 NEEDRESTART_MODE=a \
      apt-get -o DPkg::Lock::Timeout="$timeout" "$@" 2>"$errf" || rc=$?
    left=$((RDEPLOY_APT_LOCK_TIMEOUT - (SECONDS - start)))
    if [ "$rc" -ne 0 ] && grep -q 'Could not get lock' "$errf" && [ "$left" -gt 0 ]; then
      if [ "$waited" = 0 ]; then
        holder="$(grep -o 'It is held by process [0-9]* ([^)]*)' "$errf" | head -1 | sed 's/^It is held by //')"
        printf '\033[1mapt:\033[0m waiting for the package manager lock (%s, held by %s); up to %ss (RDEPLOY_APT_LOCK_TIMEOUT)\n' \
          "$(grep -o 'lock [^ .]*' "$errf" | head -1 | sed 's/^lock //')" "${holder:-another process}" "$left" >&2
        waited=1
      fi
      # dpkg's lock: apt itself waits (up to `left`). The lists' lock: apt fails at once; poll.
      timeout="$left"
      sleep 2
      continue
    fi
    break
  done
  if [ "$waited" = 1 ] && [ "$rc" -eq 0 ]; then
    printf '\033[1mapt:\033[0m lock free after %ss, done\n' "$((SECONDS - start))" >&2
  fi
  # What is left on stderr, minus the noise that says nothing wrong.
  grep -v -e '^debconf: delaying package configuration' -e 'readline() on closed filehandle' "$errf" >&2 || true
  rm -f "$errf"
  return "$rc"
}

apt_install() {
  if [ -z "${RDEPLOY_APT_UPDATED:-}" ]; then
    apt_get update -qq
    export RDEPLOY_APT_UPDATED=1
  fi
  apt_get install -y -qq --no-install-recommends "$@" >/dev/null
}
