import { checkFormula, FormulaTooLongError } from '../autoscale/evaluate';
import { FormulaSyntaxError } from '../autoscale/lexer';
import { formulaSyntaxError, formulaTooLong, invalidAutoScaleSettings, invalidProperty, missingProperty, nodeAgentSkuNotFound } from '../data/errors';
import { durationMs, Fields, isObject } from './common';
import { findImage, type SupportedImage } from './images';
import type { ContainerConfiguration, ContainerRegistryRef, PoolSpec, VmConfiguration } from './types';

/**
 * A pool's specification as the data plane's Create Pool (BatchPoolCreateContent, 2025-06-01)
 * sends it, and the checks both planes make before a pool exists: the image (listed, served by
 * the node agent SKU, not past its Batch support end of life, DockerCompatible when the pool runs
 * containers), the scale settings (a formula xor target counts; evaluation interval 5 min–168 h;
 * the formula parses) and the limits the spec states (taskSlotsPerNode ≤ 256, resizeTimeout ≥ 5 min).
 */
export const MIN_EVALUATION_INTERVAL_MS = 5 * 60_000;
export const MAX_EVALUATION_INTERVAL_MS = 168 * 3_600_000;
export const DEFAULT_EVALUATION_INTERVAL = 'PT15M';

export function parseCreatePool(body: unknown): { id: unknown; spec: PoolSpec } {
  if (!isObject(body)) throw missingProperty('id');
  const f = new Fields(body);
  const {
    id,
    displayName: _d,
    vmSize: _v,
    virtualMachineConfiguration: _vm,
    resizeTimeout: _r,
    targetDedicatedNodes: _t1,
    targetLowPriorityNodes: _t2,
    enableAutoScale: _e,
    autoScaleFormula: _a,
    autoScaleEvaluationInterval: _i,
    taskSlotsPerNode: _s,
    taskSchedulingPolicy: _p,
    enableInterNodeCommunication: _c,
    metadata: _m,
    resourceTags: _tags,
    startTask: _st,
    ...extra
  } = body;
  const vm = f.object('virtualMachineConfiguration');
  if (!vm) throw missingProperty('virtualMachineConfiguration');
  const enableAutoScale = f.bool('enableAutoScale') ?? false;
  const spec: PoolSpec = {
    ...(f.string('displayName') !== undefined ? { displayName: f.string('displayName')! } : {}),
    vmSize: f.string('vmSize', true),
    virtualMachineConfiguration: parseVmConfiguration(vm),
    resizeTimeout: f.duration('resizeTimeout', { minMs: 5 * 60_000 }) ?? 'PT15M',
    targetDedicatedNodes: f.int('targetDedicatedNodes', { min: 0 }) ?? 0,
    targetLowPriorityNodes: f.int('targetLowPriorityNodes', { min: 0 }) ?? 0,
    enableAutoScale,
    ...(f.string('autoScaleFormula') !== undefined ? { autoScaleFormula: f.string('autoScaleFormula')! } : {}),
    ...(f.has('autoScaleEvaluationInterval') ? { autoScaleEvaluationInterval: evaluationInterval(f.string('autoScaleEvaluationInterval')!, 'autoScaleEvaluationInterval') } : {}),
    taskSlotsPerNode: f.int('taskSlotsPerNode', { min: 1, max: 256 }) ?? 1,
    nodeFillType: f.object('taskSchedulingPolicy')?.oneOf('nodeFillType', ['spread', 'pack'] as const) ?? 'spread',
    enableInterNodeCommunication: f.bool('enableInterNodeCommunication') ?? false,
    metadata: (f.pairs('metadata', true) ?? []) as Array<{ name: string; value: string }>,
    ...(f.has('resourceTags') ? { resourceTags: stringRecord(f.raw('resourceTags'), 'resourceTags') } : {}),
    identities: [],
    ...(f.object('startTask') ? { startTask: f.object('startTask')!.json } : {}),
    extra,
  };
  if (enableAutoScale && (f.has('targetDedicatedNodes') || f.has('targetLowPriorityNodes'))) {
    throw invalidAutoScaleSettings('targetDedicatedNodes and targetLowPriorityNodes must not be specified when enableAutoScale is true.');
  }
  return { id, spec };
}

export function parseVmConfiguration(vm: Fields, agentKey = 'nodeAgentSKUId', imageIdKey = 'virtualMachineImageId'): VmConfiguration {
  const { imageReference: _i, [agentKey]: _a, containerConfiguration: _c, ...extra } = vm.json;
  const image = vm.object('imageReference');
  if (!image) throw missingProperty(`${vm.path}.imageReference`);
  const container = vm.object('containerConfiguration');
  return {
    imageReference: {
      ...optional('publisher', image.string('publisher')),
      ...optional('offer', image.string('offer')),
      ...optional('sku', image.string('sku')),
      ...optional('version', image.string('version')),
      ...optional('virtualMachineImageId', image.string(imageIdKey)),
    },
    nodeAgentSKUId: vm.string(agentKey, true),
    ...(container ? { containerConfiguration: parseContainerConfiguration(container) } : {}),
    extra,
  };
}

function parseContainerConfiguration(c: Fields): ContainerConfiguration {
  const type = c.oneOf('type', ['dockerCompatible', 'criCompatible'] as const);
  if (!type) throw missingProperty('containerConfiguration.type');
  const names = c.array('containerImageNames') ?? [];
  if (names.some((n) => typeof n !== 'string' || n === '')) throw invalidProperty('containerConfiguration.containerImageNames', names, 'Each image name must be a non-empty string.');
  const registries = (c.array('containerRegistries') ?? []).map((r, i) => parseRegistry(r, `containerConfiguration.containerRegistries[${i}]`));
  return { type, containerImageNames: names as string[], containerRegistries: registries };
}

/** ContainerRegistryReference: a user name and password, or a user-assigned identity (identityReference). */
export function parseRegistry(raw: unknown, name: string): ContainerRegistryRef {
  if (!isObject(raw)) throw invalidProperty(name, raw, 'The value must be an object.');
  const f = new Fields(raw, name);
  const identity = f.object('identityReference')?.string('resourceId');
  const username = f.string('username') ?? f.string('userName');
  const password = f.string('password');
  if (identity && (username || password)) throw invalidProperty(`${name}.identityReference`, identity, 'Specify either a user name and password or an identity reference, not both.');
  if ((username === undefined) !== (password === undefined)) throw missingProperty(username === undefined ? `${name}.username` : `${name}.password`);
  return {
    ...optional('registryServer', f.string('registryServer')),
    ...optional('username', username),
    ...optional('password', password),
    ...(identity ? { identityReference: { resourceId: identity } } : {}),
  };
}

/** The image checks the service makes when a pool is created or its configuration changes. */
export function checkImage(vm: VmConfiguration, images: SupportedImage[], now: number): void {
  if (vm.imageReference.virtualMachineImageId) return;
  const agents = new Set(images.map((i) => i.nodeAgentSKUId.toLowerCase()));
  if (!agents.has(vm.nodeAgentSKUId.toLowerCase())) throw nodeAgentSkuNotFound();
  const image = findImage(images, vm.imageReference);
  const ref = `${vm.imageReference.publisher ?? ''}/${vm.imageReference.offer ?? ''}/${vm.imageReference.sku ?? ''}`;
  if (!image) throw invalidProperty('virtualMachineConfiguration.imageReference', ref, 'The image is not in the list of images supported by Azure Batch (List Supported Images).');
  if (image.nodeAgentSKUId.toLowerCase() !== vm.nodeAgentSKUId.toLowerCase()) {
    throw invalidProperty('virtualMachineConfiguration.nodeAgentSKUId', vm.nodeAgentSKUId, `The image ${ref} is served by the node agent SKU '${image.nodeAgentSKUId}'.`);
  }
  if (image.batchSupportEndOfLife && Date.parse(image.batchSupportEndOfLife) <= now) {
    throw invalidProperty('virtualMachineConfiguration.imageReference', ref, `The image reached its Batch support end of life on ${image.batchSupportEndOfLife}; the service no longer accepts pools that use it.`);
  }
  if (vm.containerConfiguration && !(image.capabilities ?? []).includes('DockerCompatible')) {
    throw invalidProperty('virtualMachineConfiguration.containerConfiguration', ref, 'The image does not have the DockerCompatible capability, so it cannot run container tasks.');
  }
}

/** The scale settings' rules: a formula exactly when autoscale is on, and one that parses. */
export function checkScaleSettings(spec: PoolSpec): void {
  if (spec.enableAutoScale) {
    if (!spec.autoScaleFormula) throw invalidAutoScaleSettings('autoScaleFormula is required when enableAutoScale is true.');
    checkFormulaText(spec.autoScaleFormula);
  } else if (spec.autoScaleFormula !== undefined || spec.autoScaleEvaluationInterval !== undefined) {
    throw invalidAutoScaleSettings('autoScaleFormula and autoScaleEvaluationInterval must not be specified when enableAutoScale is false.');
  }
}

export function checkFormulaText(formula: string): void {
  try {
    checkFormula(formula);
  } catch (e) {
    if (e instanceof FormulaTooLongError) throw formulaTooLong();
    if (e instanceof FormulaSyntaxError) throw formulaSyntaxError(`Line ${e.line}, Col ${e.column}: ${e.message}`);
    throw e;
  }
}

export function evaluationInterval(text: string, property: string): string {
  const ms = durationMs(text);
  if (ms === undefined || ms < MIN_EVALUATION_INTERVAL_MS || ms > MAX_EVALUATION_INTERVAL_MS) {
    throw invalidProperty(property, text, 'The evaluation interval must be between 5 minutes and 168 hours.');
  }
  return text;
}

function stringRecord(raw: unknown, name: string): Record<string, string> {
  if (!isObject(raw) || Object.values(raw).some((v) => typeof v !== 'string')) throw invalidProperty(name, raw, 'The value must be an object of strings.');
  return raw as Record<string, string>;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

