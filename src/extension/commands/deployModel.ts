import * as path from 'node:path';
import * as vscode from 'vscode';
import { AppError } from '../../core/errors';
import { defaultDeploymentName } from '../../core/names';
import { loadProject } from '../../core/project/loadProject';
import { DEPLOYMENT_NAME, type DeploymentRecord } from '../../core/records/record';
import type { AutomationArgs } from '../../core/view/automationArgs';
import { CATALOGUE, catalogueEntry, isAvailable, targetLabel, type TargetKind } from '../../targets/catalogue';
import { readConfig, resolveSettings } from '../../targets/config';
import type { Plan } from '../../targets/Target';
import { automationArgs, isAutomation } from '../args';
import type { RDeployContext } from '../context';
import { reportError } from '../registry';
import { readSettings } from '../settings';
import { requireTrust } from '../trust';
import { MultiStepInput, type Step } from '../ui/MultiStepInput';
import { withCancellableProgress } from '../ui/progress';
import { confirmPlanStep } from './deployPlanStep';
import { hasSettings, settingsStep } from './deploySettingsStep';
import { doctorFor, logReport } from './checkSetup';
import { withOperationLock } from './operationLocks';

interface DeployChoices {
  root?: string;
  target?: TargetKind;
  name?: string;
  /** The settings step's answer: the target's settings for this deploy. */
  settings?: Record<string, unknown>;
  plan?: Plan;
}

/** Deploy R Model…: project → target → name → the target's settings → plan, then a cancellable deploy. */
export async function deployModel(ctx: RDeployContext, arg?: unknown): Promise<DeploymentRecord | undefined> {
  requireTrust(vscode.l10n.t('Deploying'));
  const args = automationArgs(arg) ?? {};
  const skipConfirm = args.confirm === false;
  const choices: DeployChoices = { root: args.root && path.resolve(args.root), target: args.target === undefined ? undefined : (catalogueEntry(args.target).kind as TargetKind), name: args.name };
  const projects = choices.root ? [choices.root] : await ctx.model.projects();
  if (projects.length === 0) {
    throw new AppError('project-not-found', vscode.l10n.t('No R project in this workspace: open a folder with renv.lock, packrat/packrat.lock, DESCRIPTION, an .Rproj file or score.R.'));
  }
  if (projects.length === 1) choices.root = projects[0];

  const asks = { project: !choices.root, target: !choices.target, name: !choices.name };
  const title = vscode.l10n.t('Deploy R Model');
  // The wizard's changes to each target's settings, kept when the user goes Back and returns.
  const edits = new Map<string, Record<string, unknown>>();
  // The settings step is asked only when the chosen target has settings; before the choice,
  // when any target that can be chosen has some.
  const asksSettings = () =>
    !skipConfirm && (choices.target ? hasSettings(choices.target) : CATALOGUE.some((e) => isAvailable(e.kind) && hasSettings(e.kind)));

  // Step numbers count only the steps actually asked.
  const order = (): [Step, boolean][] => [
    [projectStep, asks.project],
    [targetStep, asks.target],
    [nameStep, asks.name],
    [settings, asksSettings()],
    [confirm, !skipConfirm],
  ];
  const stepOf = (s: Step) => {
    const asked = order().filter(([, ask]) => ask);
    return { title, step: asked.findIndex(([x]) => x === s) + 1, totalSteps: asked.length };
  };
  const after = (s: Step): Step | undefined => {
    const rest = order();
    return rest.slice(rest.findIndex(([x]) => x === s) + 1).find(([, ask]) => ask)?.[0];
  };

  const confirm: Step = async (input) => {
    choices.plan = await makePlan(ctx, choices.root!, choices.target!, choices.name!, args, choices.settings);
    await confirmPlanStep(input, choices.plan, ctx.deployments.estimate(choices.plan), stepOf(confirm));
  };
  const settings: Step = async (input) => {
    const kind = choices.target!;
    if (!edits.has(kind)) edits.set(kind, {});
    choices.settings = await settingsStep(input, { root: choices.root!, kind, sets: args.set ?? [], edits: edits.get(kind)!, step: stepOf(settings) });
    return after(settings);
  };
  const nameStep: Step = async (input) => {
    const { config } = await readConfig(choices.root!);
    const existing = new Set((await ctx.model.recordsOf(choices.root!)).records.map((r) => r.name));
    choices.name = await input.showInputBox({
      ...stepOf(nameStep),
      value: choices.name ?? defaultDeploymentName(choices.root!, config.name),
      prompt: vscode.l10n.t('Deployment name: lower-case letters, digits and "-" (at most 63)'),
      validate: (v) => validateName(v, existing),
    });
    return after(nameStep);
  };
  const targetStep: Step = async (input) => {
    choices.target = await pickTarget(input, stepOf(targetStep));
    // Settings chosen for another target do not apply to this one.
    choices.settings = undefined;
    return after(targetStep);
  };
  const projectStep: Step = async (input) => {
    type Item = vscode.QuickPickItem & { root: string };
    const items: Item[] = projects.map((root) => ({ label: path.basename(root), description: vscode.workspace.asRelativePath(root), root }));
    const picked = await input.showQuickPick({ ...stepOf(projectStep), items, placeholder: vscode.l10n.t('Which R project?') });
    if (picked.root !== choices.root) edits.clear();
    choices.root = picked.root;
    return after(projectStep);
  };
  const first = order().find(([, ask]) => ask)?.[0];
  if (first) await MultiStepInput.run(first, (shown) => ctx.wizardShown.fire(shown));

  const plan = choices.plan ?? (await makePlan(ctx, choices.root!, choices.target!, choices.name!, args, choices.settings));
  return runDeploy(ctx, plan, isAutomation(arg));
}

/** Runs a plan in a cancellable notification and shows the result in the tree. */
export async function runDeploy(ctx: RDeployContext, plan: Plan, quiet: boolean): Promise<DeploymentRecord> {
  const root = plan.project.root;
  // One operation per deployment: a second deploy or a destroy would kill this one's containers.
  const record = await withOperationLock(ctx, root, plan.name, 'deploying', async () => {
    ctx.log.info(`deploying ${plan.name} from ${root} to ${plan.target}`);
    ctx.model.reloadRecords(root);
    try {
      return await withCancellableProgress(vscode.l10n.t('Deploying {0} to {1}', plan.name, targetLabel(plan.target)), ctx.log, (signal, progress) =>
        ctx.deployments.deploy(plan, { signal, progress }),
      );
    } catch (e) {
      // A deploy that could not even start: say everything that is missing, not just the first thing.
      if (e instanceof AppError && e.code === 'docker-unavailable') logReport(ctx, await doctorFor(root, plan.target).catch(() => ({ ok: true, checks: [] })));
      throw e;
    } finally {
      // Success or failure, the record on disk changed: show it now rather than after the watcher.
      ctx.model.reloadRecords(root);
    }
  });
  ctx.log.info(`deployed ${record.name} at ${record.endpoint ?? '-'}`);
  void ctx.tree.reveal(root, record.name);
  if (!quiet) offerNextSteps(record, root).catch((e: unknown) => reportError(ctx, 'deploy next steps', e));
  return record;
}

async function offerNextSteps(record: DeploymentRecord, root: string): Promise<void> {
  const invoke = vscode.l10n.t('Invoke…');
  const tail = vscode.l10n.t('Tail Logs');
  const answer = await vscode.window.showInformationMessage(vscode.l10n.t('Deployed "{0}" at {1}.', record.name, record.endpoint ?? '-'), invoke, tail);
  const arg = { root, name: record.name };
  if (answer === invoke) await vscode.commands.executeCommand('rdeploy.invoke', arg);
  if (answer === tail) await vscode.commands.executeCommand('rdeploy.tailLogs', arg);
}

/**
 * The plan for the choices. Base image: argument > setting > rdeploy.json > the target's default.
 * Settings: the wizard's answer when it asked, else rdeploy.json with the arguments' `set` on top.
 */
export async function makePlan(ctx: RDeployContext, root: string, target: TargetKind, name: string, args: AutomationArgs, chosen?: Record<string, unknown>): Promise<Plan> {
  if (!DEPLOYMENT_NAME.test(name)) throw new AppError('usage', vscode.l10n.t('"{0}" is not a valid deployment name: use lower-case letters, digits and "-" (at most 63).', name));
  const { config, notes } = await readConfig(root);
  const project = await loadProject(root, { handler: args.handler });
  for (const w of [...notes, ...project.warnings]) ctx.log.warn(w);
  const baseImage = args.baseImage ?? readSettings(vscode.Uri.file(root)).baseImage ?? config.baseImage;
  const settings = chosen ?? resolveSettings(target, config, args.set ?? []);
  return ctx.deployments.plan(project, target, { name, baseImage, exclude: config.exclude, settings });
}

function validateName(value: string, existing: Set<string>): string | vscode.InputBoxValidationMessage | undefined {
  if (!DEPLOYMENT_NAME.test(value)) return vscode.l10n.t('Use lower-case letters, digits and "-", starting with a letter or digit (at most 63).');
  if (existing.has(value)) {
    return { message: vscode.l10n.t('"{0}" exists: deploying replaces it.', value), severity: vscode.InputBoxValidationSeverity.Info };
  }
  return undefined;
}

async function pickTarget(input: MultiStepInput, step: { title: string; step: number; totalSteps: number }): Promise<TargetKind> {
  type Item = vscode.QuickPickItem & { target?: TargetKind; enabled: boolean };
  const soon = vscode.l10n.t('coming soon');
  // From the catalogue: what runs on this machine first, then the clouds.
  const item = (e: (typeof CATALOGUE)[number]): Item => {
    const enabled = isAvailable(e.kind);
    return { label: `$(${enabled ? e.icon : 'lock'}) ${e.label}`, description: enabled ? e.description : soon, detail: enabled ? undefined : e.description, target: e.kind, enabled };
  };
  const items: Item[] = [
    ...CATALOGUE.filter((e) => !e.capabilities.credentials).map(item),
    { label: vscode.l10n.t('Cloud'), kind: vscode.QuickPickItemKind.Separator, enabled: false },
    ...CATALOGUE.filter((e) => e.capabilities.credentials).map(item),
  ];
  const preferred = readSettings().defaultTarget;
  const active = items.find((i) => i.target === preferred && i.enabled) ?? items[0];
  const picked = await input.showQuickPick({
    ...step,
    items,
    active,
    placeholder: vscode.l10n.t('Where should the model run?'),
    accept: (i) => {
      if (!i.enabled) void vscode.window.showInformationMessage(vscode.l10n.t('{0} is coming soon. Deploy to Local Docker for now.', i.label.replace(/^\$\([^)]*\)\s*/, '')));
      return i.enabled;
    },
  });
  return picked.target!;
}
