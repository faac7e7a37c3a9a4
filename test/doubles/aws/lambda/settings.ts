// A function's settings from a CreateFunction or UpdateFunctionConfiguration body, checked the
// way the service checks them. Only fields the body carries are checked on an update.
import { isLayerVersionArn, LAYER_VERSION_ARN_PATTERN } from './arns';
import {
  environmentTooLarge,
  layerVersionNotFound,
  memoryTooLarge,
  reservedEnvironmentKeys,
  runtimeNotSupported,
  tooManyLayers,
  validationError,
} from './errors';
import { num, obj, str, strList, strMap } from './http';
import type { AttachedLayer, FunctionSettings, Store } from './store';

const ROLE_PATTERN = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';
const ROLE = new RegExp(`^(?:${ROLE_PATTERN})$`);

/**
 * Runtimes Lambda no longer lets anyone create or update functions with, and the one its error
 * recommends instead. `provided` and `go1.x` ended in 2024; `provided.al2` runs on Amazon Linux
 * 2, whose end of life (30 June 2026) the runtimes page announces, and R Deploy targets
 * `provided.al2023` only, so the double refuses it as the service does once it is blocked.
 */
const BLOCKED_RUNTIMES: Record<string, string> = {
  provided: 'provided.al2023',
  'provided.al2': 'provided.al2023',
  'go1.x': 'provided.al2023',
};

/** Keys Lambda sets itself (the "Defined runtime environment variables" of the developer guide). */
const RESERVED_KEYS = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

const MAX_LAYERS = 5;
const MIN_MEMORY = 128;
const MAX_MEMORY = 10_240;
const MAX_TIMEOUT = 900;
const MAX_ENVIRONMENT_BYTES = 4096;

/** Lambda's defaults for what CreateFunction leaves out. */
export const DEFAULT_SETTINGS = { description: '', memoryMb: 128, timeoutSeconds: 3, architectures: ['x86_64'] } as const;

/** The settings `body` asks for, on top of `base` (a new function's defaults, or its current settings). */
export function settingsFrom(store: Store, body: Record<string, unknown>, base: FunctionSettings): FunctionSettings {
  const s: FunctionSettings = { ...base };
  if (body.Role !== undefined) {
    const role = str(body.Role) ?? '';
    if (!ROLE.test(role)) throw validationError(role, 'role', `Member must satisfy regular expression pattern: ${ROLE_PATTERN}`);
    s.role = role;
  }
  if (body.Runtime !== undefined) {
    const runtime = str(body.Runtime) ?? '';
    const successor = BLOCKED_RUNTIMES[runtime];
    if (successor) throw runtimeNotSupported(runtime, successor);
    s.runtime = runtime;
  }
  if (body.Handler !== undefined) s.handler = str(body.Handler);
  if (body.Description !== undefined) s.description = str(body.Description) ?? '';
  if (body.MemorySize !== undefined) s.memoryMb = memory(body.MemorySize);
  if (body.Timeout !== undefined) s.timeoutSeconds = timeout(body.Timeout);
  if (body.Architectures !== undefined) s.architectures = architectures(body.Architectures);
  if (body.Environment !== undefined) s.environment = environment(obj(body.Environment)?.Variables);
  if (body.Layers !== undefined) s.layers = layers(store, strList(body.Layers) ?? []);
  return s;
}

function memory(value: unknown): number {
  const n = num(value) ?? NaN;
  // The model's range (≥ 128) is checked by the front end; the upper bound is the service's quota.
  if (!(n >= MIN_MEMORY)) throw validationError(value, 'memorySize', `Member must have value greater than or equal to ${MIN_MEMORY}`);
  if (n > MAX_MEMORY) throw memoryTooLarge(MAX_MEMORY);
  return n;
}

function timeout(value: unknown): number {
  const n = num(value) ?? NaN;
  if (!(n >= 1)) throw validationError(value, 'timeout', 'Member must have value greater than or equal to 1');
  if (n > MAX_TIMEOUT) throw validationError(value, 'timeout', `Member must have value less than or equal to ${MAX_TIMEOUT}`);
  return n;
}

function architectures(value: unknown): string[] {
  const list = strList(value) ?? [];
  const ok = list.length === 1 && (list[0] === 'x86_64' || list[0] === 'arm64');
  if (!ok) {
    throw validationError(list, 'architectures', 'Member must have length less than or equal to 1, Member must satisfy enum value set: [x86_64, arm64]');
  }
  return list;
}

function environment(value: unknown): Record<string, string> {
  const vars = strMap(value) ?? {};
  const reserved = Object.keys(vars).filter((k) => RESERVED_KEYS.has(k));
  if (reserved.length > 0) throw reservedEnvironmentKeys(reserved);
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > MAX_ENVIRONMENT_BYTES) throw environmentTooLarge(measured);
  return vars;
}

function layers(store: Store, arns: string[]): AttachedLayer[] {
  const bad = arns.some((a) => !isLayerVersionArn(a));
  if (bad) {
    throw validationError(
      arns,
      'layers',
      `Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ${LAYER_VERSION_ARN_PATTERN}]`,
    );
  }
  if (arns.length > MAX_LAYERS) throw tooManyLayers();
  return arns.map((arn) => {
    const found = store.findLayerVersion(arn);
    if (!found) throw layerVersionNotFound(arn);
    return { arn, codeSize: found.codeSize, unzippedBytes: found.unzippedBytes, zip: found.zip };
  });
}
