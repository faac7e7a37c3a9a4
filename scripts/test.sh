#!/usr/bin/env bash
# The whole test suite: set-up for the tests (scripts/setup.sh --tests), type check, lint, bundle,
# unit and end-to-end tests (vitest), then the extension's integration and UI tests in code-server.
# Ends with one plain "N passed, N failed" line, which CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
set -e
# What the tests need beyond the quick start (code-server, Chromium, R packages, docker-registry…):
# installed on first use, a few seconds' check afterwards. RDEPLOY_SKIP_SETUP=1 skips it.
if [ -z "${RDEPLOY_SKIP_SETUP:-}" ]; then
  bash scripts/setup.sh --tests --no-build >&2
fi
npx tsc --noEmit
npx tsc --noEmit -p webview
npx eslint --max-warnings 0 .
node scripts/build.mjs
set +e
mkdir -p test-results
rm -f test-results/vscode-summary.json test-results/ui-summary.json
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
status=$?
# The extension in a real VS Code (code-server): integration suites, then the UI end to end.
node scripts/test-vscode.mjs --no-build || status=1
node test/ui/run.mjs || status=1
node scripts/test-summary.mjs test-results/vitest.json test-results/vscode-summary.json test-results/ui-summary.json || status=1
exit $status
