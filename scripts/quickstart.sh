#!/usr/bin/env bash
# The main job, end to end: set everything up, deploy the bundled example model to local Docker,
# and invoke it with a sample payload.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BASE="${RDEPLOY_BASE_IMAGE:-rdeploy-test/r-base:bookworm}"
rdeploy() { node dist/cli.js "$@"; }
rdeploy deploy examples/mtcars-glm --base-image "$BASE"
echo "Prediction for samples/one-car.json:" >&2
rdeploy invoke mtcars-glm --project examples/mtcars-glm --payload one-car
echo "When you are done: node dist/cli.js destroy mtcars-glm --project examples/mtcars-glm" >&2
