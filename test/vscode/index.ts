// Entry point VS Code calls in the extension host (extensionTestsPath): runs every suite bundled
// next to this file with mocha and the real `vscode` API, and reports the outcome three ways —
// a JSON results file for the code-server runner (scripts/test-vscode.mjs), marked console lines
// for live progress, and a rejected promise on failure (how @vscode/test-electron learns it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export interface TestOutcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface Results {
  done: boolean;
  passed: number;
  failed: number;
  pending: number;
  tests: TestOutcome[];
}

/** Marks console lines the runner echoes (they reach the browser console in development mode). */
const MARK = '[rdeploy-test]';

function resultsPath(): string {
  const fromEnv = process.env.RDEPLOY_VSCODE_RESULTS;
  if (fromEnv) return fromEnv;
  // Fallback when the host does not pass our env through: next to the workspace folder.
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return ws ? path.join(path.dirname(ws), 'results.json') : path.join(__dirname, 'results.json');
}

function write(file: string, results: Results): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2));
  fs.renameSync(tmp, file);
}

export function run(): Promise<void> {
  const file = resultsPath();
  const results: Results = { done: false, passed: 0, failed: 0, pending: 0, tests: [] };
  const grep = process.env.RDEPLOY_VSCODE_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'dot', ...(grep ? { grep } : {}) });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  console.log(`${MARK} running ${files.length} suite file(s); results -> ${file}`);

  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      results.done = true;
      write(file, results);
      console.log(`${MARK} done: ${results.passed} passed, ${results.failed} failed, ${results.pending} pending`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    const record = (t: Mocha.Test | Mocha.Hook, state: TestOutcome['state'], err?: Error): void => {
      const outcome: TestOutcome = { title: t.fullTitle(), state, durationMs: t.duration ?? 0 };
      if (err) outcome.error = err.stack ?? String(err);
      results.tests.push(outcome);
      results[state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'pending']++;
      console.log(`${MARK} ${state === 'passed' ? 'ok  ' : state === 'failed' ? 'FAIL' : 'skip'} ${outcome.title}${err ? `\n${outcome.error}` : ''}`);
      write(file, results); // partial results survive a hang or a crash
    };
    runner.on('pass', (t) => record(t, 'passed'));
    // 'fail' fires for hooks too: a failing before-all hook is a failure, not silence.
    runner.on('fail', (t, err: Error) => record(t, 'failed', err));
    runner.on('pending', (t) => record(t, 'pending'));
  });
}
