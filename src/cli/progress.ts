import type { Progress } from '../targets/Target';

/**
 * Progress for the terminal: a spinner with the current phase and the latest log line on a TTY,
 * plain lines otherwise (CI logs). Everything goes to stderr so stdout carries only results.
 */
export interface CliProgress extends Progress {
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(opts: { verbose: boolean; quiet: boolean; stream?: NodeJS.WriteStream }): CliProgress {
  const out = opts.stream ?? process.stderr;
  if (opts.quiet) return { report: () => undefined, stop: () => undefined };
  if (!out.isTTY) return plainProgress(out, opts.verbose);

  let phase = '';
  let lastLine = '';
  let frame = 0;
  const render = () => {
    const width = Math.max(20, (out.columns || 80) - 1);
    const tail = lastLine ? `  ${lastLine}` : '';
    const text = `${FRAMES[frame % FRAMES.length]} ${phase}${tail}`.replace(/\s+/g, ' ');
    out.write(`\r\x1b[2K${text.slice(0, width)}`);
  };
  const timer = setInterval(() => {
    frame++;
    render();
  }, 80);
  timer.unref();
  return {
    report({ message, line }) {
      if (message) {
        // Steps of one phase ("Building image (3/20): …") update the line in place.
        if (phase && phaseOf(phase) !== phaseOf(message)) out.write(`\r\x1b[2K✔ ${phaseOf(phase)}\n`);
        phase = message;
        lastLine = '';
      }
      if (line !== undefined) {
        if (opts.verbose) out.write(`\r\x1b[2K${line}\n`);
        lastLine = line.trim();
      }
      render();
    },
    stop() {
      clearInterval(timer);
      out.write(phase ? `\r\x1b[2K✔ ${phaseOf(phase)}\n` : '\r\x1b[2K');
      phase = '';
    },
  };
}

/** Every message of the build ("Building image (3/20): copying your code") is one phase. */
function phaseOf(message: string): string {
  return message.startsWith('Building image') ? 'Building image' : message;
}

function plainProgress(out: NodeJS.WritableStream, verbose: boolean): CliProgress {
  return {
    report({ message, line }) {
      if (message) out.write(`rdeploy: ${message}\n`);
      if (line !== undefined && verbose) out.write(`  ${line}\n`);
    },
    stop: () => undefined,
  };
}
