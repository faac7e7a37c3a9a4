#!/usr/bin/env bash
# The main job, end to end: set up what deploying needs (scripts/setup.sh: Docker, the local R base
# image, npm packages, the bundles, the `rdeploy` command — not the tests' code-server and
# Chromium), deploy the bundled example model to local Docker, and invoke it with a sample payload.
# stdout gets the prediction only; everything else goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1mquickstart:\033[0m %s\n' "$*" >&2; }
bash scripts/setup.sh >&2
# The local base image (Debian's R) stands in for rocker/r-ver, which a plain deploy pulls.
BASE="${RDEPLOY_BASE_IMAGE:-rdeploy-test/r-base:bookworm}"

# `rdeploy` as scripts/link-cli.sh linked it, when it runs this clone; else the same CLI by path.
if launcher="$(command -v rdeploy)" && grep -qF "cli=$(printf %q "$PWD/dist/cli.js")" "$launcher" 2>/dev/null; then
  cli=(command rdeploy)   # `command`: the launcher, not the function below
else
  cli=(node dist/cli.js)
fi
rdeploy() { printf '\033[1m$ rdeploy %s\033[0m\n' "$*" >&2; "${cli[@]}" "$@"; }

rdeploy deploy examples/mtcars-glm --base-image "$BASE"
say "prediction for examples/mtcars-glm/samples/one-car.json:"
rdeploy invoke mtcars-glm --project examples/mtcars-glm --payload one-car
if [ "${cli[0]}" = command ]; then
  say "when you are done: rdeploy destroy mtcars-glm --project examples/mtcars-glm"
else
  say "when you are done: node dist/cli.js destroy mtcars-glm --project examples/mtcars-glm (rdeploy once its directory is on your PATH)"
fi
