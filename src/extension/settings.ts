import * as vscode from 'vscode';
import type { TargetKind } from '../targets/catalogue';

/** Typed reads of the `rdeploy.*` settings (contributes.configuration in package.json). */
export interface Settings {
  baseImage: string | undefined;
  defaultTarget: TargetKind;
  rPath: string | undefined;
  logsDestination: 'document' | 'terminal';
  refreshIntervalSeconds: number;
}

export function readSettings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('rdeploy', scope);
  const text = (key: string) => c.get<string>(key)?.trim() || undefined;
  return {
    baseImage: text('baseImage'),
    defaultTarget: c.get('defaultTarget', 'local'),
    rPath: text('rPath'),
    logsDestination: c.get('logs.destination', 'document'),
    refreshIntervalSeconds: Math.max(2, c.get<number>('refreshIntervalSeconds', 10)),
  };
}

/** The R extension's `r.rpath.*` settings: R Deploy finds R the way that extension does. */
export function rExtensionPaths(): { linux?: string; mac?: string; windows?: string } {
  const c = vscode.workspace.getConfiguration('r.rpath');
  const text = (key: string) => c.get<string>(key)?.trim() || undefined;
  return { linux: text('linux'), mac: text('mac'), windows: text('windows') };
}
