import { splitCommandLine } from './argv';

/**
 * containerSettings.containerRunOptions: "additional options to the container create command",
 * i.e. `docker create` flags. The double understands the ones a task needs — environment,
 * working directory, entrypoint, user, memory and CPU limits, shared memory, init — and
 * `--network host` (the only network it runs containers on) and `--rm` (it removes containers
 * anyway). Any other flag is an error the task fails with (ContainerInvalidSettings), rather than
 * an option silently ignored.
 */
export interface RunOptions {
  env: string[];
  workingDir?: string;
  entrypoint?: string[];
  user?: string;
  memory?: number;
  nanoCpus?: number;
  shmSize?: number;
  init?: boolean;
}

export function parseRunOptions(text: string | undefined): RunOptions {
  const out: RunOptions = { env: [] };
  if (!text) return out;
  const args = splitCommandLine(text);
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = () => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined) throw new Error(`containerRunOptions: ${flag} needs a value`);
      i += 1;
      return next;
    };
    switch (flag) {
      case '-e':
      case '--env':
        out.env.push(value());
        break;
      case '-w':
      case '--workdir':
        out.workingDir = value();
        break;
      case '--entrypoint':
        out.entrypoint = [value()];
        break;
      case '-u':
      case '--user':
        out.user = value();
        break;
      case '-m':
      case '--memory':
        out.memory = bytes(value());
        break;
      case '--cpus':
        out.nanoCpus = Math.round(Number(value()) * 1e9);
        break;
      case '--shm-size':
        out.shmSize = bytes(value());
        break;
      case '--init':
        out.init = true;
        break;
      case '--rm':
        break;
      case '--network':
      case '--net': {
        const network = value();
        if (network !== 'host') throw new Error(`containerRunOptions: the test double runs containers on the host network only, not '${network}'`);
        break;
      }
      default:
        throw new Error(`containerRunOptions: '${arg}' is not an option the test double understands`);
    }
  }
  return out;
}

function bytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([bkmg]?)$/i.exec(text);
  if (!m) throw new Error(`containerRunOptions: '${text}' is not a size`);
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * unit);
}
