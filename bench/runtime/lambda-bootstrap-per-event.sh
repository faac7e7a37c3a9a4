#!/bin/sh
# The anchor of bench/runtime/lambda-loop.mjs: the seeds' Lambda bootstrap, which starts one
# Rscript per event (about 0.2 s of R start-up before any model is loaded). Same Runtime API
# calls as the runtime's lambda mode, made with curl. Not shipped; not how R Deploy serves.
#   AWS_LAMBDA_RUNTIME_API, LAMBDA_TASK_ROOT, _HANDLER (file.function) as Lambda sets them.
set -eu
here=$(dirname "$0")
api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
headers=$(mktemp)
trap 'rm -f "$headers"' EXIT
while true; do
  event=$(curl -sS -D "$headers" "$api/invocation/next")
  id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | tr -d '[:space:]' | cut -d: -f2)
  response=$(Rscript "$here/lambda-per-event.R" "$event")
  curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary "$response" "$api/invocation/$id/response"
done
