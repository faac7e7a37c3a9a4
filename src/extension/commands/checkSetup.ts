import * as vscode from 'vscode';
import { formatReport, runDoctor, type DoctorReport } from '../../targets/doctor';
import { automationArgs, resolveProject } from '../args';
import type { RDeployContext } from '../context';
import { readSettings, rExtensionPaths } from '../settings';

/**
 * Check Deploy Prerequisites: the same checks as `rdeploy doctor` (Docker, R, the project and its
 * handler, the base image, the target), one line each with what to do, in a read-only document.
 */
export async function checkSetup(ctx: RDeployContext, arg?: unknown): Promise<DoctorReport> {
  const args = automationArgs(arg);
  const root = await resolveProject(ctx, arg);
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking what a deploy needs…') }, () =>
    doctorFor(root, args?.target),
  );
  logReport(ctx, report);
  const text = `${formatReport(report).join('\n')}\n`;
  const uri = ctx.documents.details.create(vscode.l10n.t('R Deploy checks.txt'), text);
  await ctx.documents.details.show(uri, 'plaintext', true);
  return report;
}

/** The checks for a project, with R found the way the extension finds it. */
export function doctorFor(root: string, target?: string): Promise<DoctorReport> {
  return runDoctor({ cwd: root, dir: root, target, rPath: { setting: readSettings(vscode.Uri.file(root)).rPath, rExtension: rExtensionPaths() } });
}

export function logReport(ctx: RDeployContext, report: DoctorReport): void {
  for (const line of formatReport(report)) (report.ok ? ctx.log.info : ctx.log.warn).call(ctx.log, `check: ${line}`);
}
