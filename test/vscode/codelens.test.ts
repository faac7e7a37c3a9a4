import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { activeExtension, eventually, exampleRoot } from './support';

/** Lenses the R Deploy provider puts on a document (other providers' lenses filtered out). */
async function ourLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)) ?? [];
  return all.filter((l) => l.command?.command.startsWith('rdeploy.'));
}

describe('CodeLens above the handler', () => {
  before(activeExtension);

  it('puts "Invoke locally" and "Deploy…" on the line of `score <- function(` in score.R', async () => {
    const uri = vscode.Uri.file(path.join(exampleRoot('mtcars-glm'), 'score.R'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.getText().split('\n').findIndex((l) => /^score\s*<-\s*function\(/.test(l));
    assert.ok(line > 0, 'score.R defines score');
    const lenses = await eventually(async () => {
      const l = await ourLenses(uri);
      return l.length ? l : undefined;
    }, 20_000, 'R Deploy lenses on score.R');
    assert.deepEqual(lenses.map((l) => l.range.start.line), lenses.map(() => line), 'every lens sits on the handler line');
    const commands = lenses.map((l) => l.command!.command).sort();
    assert.deepEqual(commands, ['rdeploy.deploy', 'rdeploy.invokeLocally']);
    assert.ok(lenses.some((l) => /Invoke locally/.test(l.command!.title)));
    assert.ok(lenses.some((l) => /Deploy…/.test(l.command!.title)));
  });

  it('finds the handler named in rdeploy.json (predict.classify) in iris-rpart', async () => {
    const uri = vscode.Uri.file(path.join(exampleRoot('iris-rpart'), 'predict.R'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.getText().split('\n').findIndex((l) => /^classify\s*<-\s*function\(/.test(l));
    assert.ok(line >= 0, 'predict.R defines classify');
    const lenses = await eventually(async () => {
      const l = await ourLenses(uri);
      return l.length ? l : undefined;
    }, 20_000, 'R Deploy lenses on predict.R');
    assert.ok(lenses.every((l) => l.range.start.line === line), `lenses on line ${line}: ${lenses.map((l) => l.range.start.line).join(',')}`);
  });

  it('puts no lens on an R file that is not the handler file', async () => {
    const uri = vscode.Uri.file(path.join(exampleRoot('mtcars-glm'), 'train.R'));
    await vscode.workspace.openTextDocument(uri);
    // Give the provider the same chance it had above before concluding there is nothing.
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(await ourLenses(uri), []);
  });
});
