#!/usr/bin/env bash
# The whole test suite: type check, lint, bundle, then unit and end-to-end tests (vitest).
# Ends with one plain "N passed, N failed" line, which CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
set -e
npx tsc --noEmit
npx eslint --max-warnings 0 .
node scripts/build.mjs
set +e
mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
status=$?
node scripts/test-summary.mjs test-results/vitest.json || status=1
exit $status
