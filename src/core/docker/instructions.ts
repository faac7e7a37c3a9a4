import { AppError } from '../errors';
import type { RuntimeImage } from './buildData';

/**
 * A Dockerfile as data. Generators build these from validated values only; `renderDockerfile`
 * turns them into text and re-checks that nothing can break out of its line. Commands that run a
 * program (CMD, HEALTHCHECK) are exec form (JSON arrays), so no shell ever parses their arguments.
 */
export type Instruction =
  | { kind: 'comment'; text: string }
  | { kind: 'from'; image: string }
  /** Shell form: `command` is assembled from constants and allow-listed values only. */
  | { kind: 'run'; command: string }
  | { kind: 'copy'; sources: string[]; dest: string; chown?: string }
  | { kind: 'env'; vars: Array<[string, string]> }
  | { kind: 'workdir'; path: string }
  | { kind: 'user'; user: string }
  | { kind: 'expose'; port: number }
  | { kind: 'healthcheck'; interval: string; timeout: string; startPeriod: string; retries: number; argv: string[] }
  | { kind: 'label'; labels: Array<[string, string]> }
  | { kind: 'cmd'; argv: string[] };

/** How the R runtime serves the handler (runtime/main.R's first argument). */
export type RuntimeModeName = 'http' | 'job' | 'lambda';

export interface DockerfileSpec {
  baseImage: string;
  mode: RuntimeModeName;
  handler: string;
  /** Sorted, de-duplicated apt packages installed for the project's compiled packages. */
  systemPackages: string[];
  restore: RestorePlan;
  instructions: Instruction[];
  /** Things the user should know (e.g. no R version pinned); shown, never fatal. */
  warnings: string[];
  /** A project's image: the runtime image its FROM names, to be ensured before it is built. */
  runtime?: RuntimeImage;
}

/** How the project library is built, in its own layer. */
export type RestorePlan =
  | { kind: 'none' }
  /** renv.lock (the user's, or converted from packrat.lock) restored with renv. */
  | { kind: 'lockfile'; from: 'renv' | 'packrat' }
  /** DESCRIPTION or scripts: named packages, latest from the repositories. */
  | { kind: 'packages'; packages: string[]; repositories: Array<{ name: string; url: string }> };

// Everything rendered must stay on its own line. The generators validate values first; this is
// the second fence, so a future generator bug cannot turn into an injected instruction.
const FORBIDDEN = /[\n\r\0]/;
const DURATION = /^\d+(ms|s|m|h)$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_KEY = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/;

function line(text: string): string {
  if (FORBIDDEN.test(text)) {
    throw new AppError('internal', `A generated Dockerfile line contains a line break: ${JSON.stringify(text)}.`);
  }
  return text;
}

function key(k: string, pattern: RegExp): string {
  if (!pattern.test(k)) throw new AppError('internal', `Generated Dockerfile key ${JSON.stringify(k)} is not allowed.`);
  return k;
}

/**
 * A LABEL value in double quotes. Inside them Docker's word processing unescapes `\\` and `\"`
 * and expands `$VAR`, so those three are backslash-escaped; any other character (é, ü, ') is
 * literal text. Control characters never get here (checkValues refuses them).
 */
export const labelValue = (v: string): string => `"${v.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;

/** JSON exec form: Docker parses it as JSON, so a JSON string is always one safe argument. */
const exec = (argv: string[]): string => `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;

function renderOne(i: Instruction): string {
  switch (i.kind) {
    case 'comment':
      return `# ${i.text}`;
    case 'from':
      return `FROM ${i.image}`;
    case 'run':
      return `RUN ${i.command}`;
    case 'copy': {
      // JSON form copes with any path; paths are constants or allow-listed anyway.
      const chown = i.chown ? `--chown=${i.chown} ` : '';
      return `COPY ${chown}${exec([...i.sources, i.dest])}`;
    }
    case 'env':
      return `ENV ${i.vars.map(([k, v]) => `${key(k, ENV_KEY)}=${v}`).join(' \\\n    ')}`;
    case 'workdir':
      return `WORKDIR ${i.path}`;
    case 'user':
      return `USER ${i.user}`;
    case 'expose':
      return `EXPOSE ${Math.trunc(i.port)}`;
    case 'healthcheck': {
      for (const d of [i.interval, i.timeout, i.startPeriod]) {
        if (!DURATION.test(d)) throw new AppError('internal', `Bad healthcheck duration ${JSON.stringify(d)}.`);
      }
      const opts = `--interval=${i.interval} --timeout=${i.timeout} --start-period=${i.startPeriod} --retries=${Math.trunc(i.retries)}`;
      return `HEALTHCHECK ${opts} \\\n    CMD ${exec(i.argv)}`;
    }
    case 'label':
      return `LABEL ${i.labels.map(([k, v]) => `${key(k, LABEL_KEY)}=${labelValue(v)}`).join(' \\\n      ')}`;
    case 'cmd':
      return `CMD ${exec(i.argv)}`;
  }
}

/** The Dockerfile text. Continuation lines are introduced here only, never by a value. */
export function renderDockerfile(spec: DockerfileSpec): string {
  const out: string[] = [];
  for (const i of spec.instructions) {
    // Values are checked before the renderer adds its own continuations.
    checkValues(i);
    if (i.kind === 'comment' && out.length > 0) out.push('');
    out.push(renderOne(i));
  }
  return `${out.join('\n')}\n`;
}

function checkValues(i: Instruction): void {
  const values: string[] = [];
  switch (i.kind) {
    case 'comment':
      values.push(i.text);
      break;
    case 'from':
      values.push(i.image);
      break;
    case 'run':
      values.push(i.command);
      break;
    case 'copy':
      values.push(...i.sources, i.dest, i.chown ?? '');
      break;
    case 'env':
      i.vars.forEach(([k, v]) => values.push(k, v));
      // ENV values are unquoted: Docker would split on spaces and expand `$`.
      if (i.vars.some(([, v]) => /[\s"'$`\\]/.test(v))) throw new AppError('internal', 'Unsafe ENV value in a generated Dockerfile.');
      break;
    case 'label':
      i.labels.forEach(([k, v]) => values.push(k, v));
      // Quoting (labelValue) makes any text safe except what breaks the line.
      // eslint-disable-next-line no-control-regex
      if (i.labels.some(([, v]) => /[\u0000-\u001f\u007f\u2028\u2029]/.test(v))) throw new AppError('internal', 'Unsafe LABEL value in a generated Dockerfile.');
      break;
    case 'workdir':
      values.push(i.path);
      break;
    case 'user':
      values.push(i.user);
      break;
    case 'healthcheck':
    case 'cmd':
      values.push(...i.argv);
      break;
    case 'expose':
      break;
  }
  values.forEach(line);
}
