// Prints the closing line of a test run: "N passed, N failed, N skipped", over vitest's JSON
// report and the {passed, failed, skipped} summaries of the code-server runners. A missing
// summary file means that runner did not get to report: it counts as a failure.
import { existsSync, readFileSync } from 'node:fs';

const [vitestFile, ...others] = process.argv.slice(2);
const report = JSON.parse(readFileSync(vitestFile, 'utf8'));
let passed = report.numPassedTests ?? 0;
// A file that fails to load has no failed test of its own: count it then, and only then.
let failed = report.numFailedTests || report.numFailedTestSuites || 0;
let skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
for (const file of others) {
  if (!existsSync(file)) {
    console.error(`no results from ${file}`);
    failed++;
    continue;
  }
  const s = JSON.parse(readFileSync(file, 'utf8'));
  passed += s.passed ?? 0;
  failed += s.failed ?? 0;
  skipped += s.skipped ?? 0;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed === 0) {
  console.error('no test ran');
  process.exit(1);
}
if (failed > 0) process.exit(1);
