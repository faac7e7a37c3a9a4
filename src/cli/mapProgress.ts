import type { MapStats } from '../core/map';

/** One line of counts, with a bar when the width allows and the total is known or guessed. Pure. */
export function formatMapStats(s: MapStats, unit: 'chunk' | 'element', elapsedMs: number, barWidth = 24): string {
  const settled = s.done + s.failed + s.skipped;
  const total = s.total ?? s.estimate;
  const units = `${unit}s`;
  const of = s.total !== undefined ? `/${s.total}` : s.estimate !== undefined ? `/~${s.estimate}` : '';
  const rate = elapsedMs > 500 ? ` · ${((s.done + s.failed) / (elapsedMs / 1000)).toFixed(1)}/s` : '';
  const parts = [`${settled}${of} ${units}`, `${s.done} done`, `${s.failed} failed`, `${s.running} running`, ...(s.skipped ? [`${s.skipped} from before`] : []), ...(s.retries ? [`${s.retries} retried`] : [])];
  const bar = total && barWidth > 0 ? `${renderBar(Math.min(1, settled / total), barWidth)} ` : '';
  return `${bar}${parts.join(' · ')}${rate}`;
}

function renderBar(fraction: number, width: number): string {
  const full = Math.floor(fraction * width);
  return `▕${'█'.repeat(full)}${'░'.repeat(width - full)}▏`;
}

export interface MapProgressView {
  update(stats: MapStats): void;
  /** A line worth keeping (a retry, the executor): printed above the bar. */
  note(line: string): void;
  /** Clears the bar (its last state stays printed on a non-TTY). */
  end(): void;
}

/**
 * On a terminal a bar redrawn in place (at most 10 times a second); otherwise plain lines, one
 * per tenth of the total (or every 15 s when the total is not known). All on stderr.
 */
export function mapProgressView(unit: 'chunk' | 'element', opts: { quiet: boolean; stream?: NodeJS.WriteStream }): MapProgressView {
  const out = opts.stream ?? process.stderr;
  const start = performance.now();
  let last: MapStats | undefined;
  if (opts.quiet) return { update: () => undefined, note: () => undefined, end: () => undefined };
  if (out.isTTY) {
    let drawn = 0;
    let timer: NodeJS.Timeout | undefined;
    const draw = () => {
      timer = undefined;
      if (!last) return;
      drawn = performance.now();
      const width = Math.max(20, (out.columns || 80) - 1);
      out.write(`\r\x1b[2K${formatMapStats(last, unit, drawn - start, width >= 90 ? 24 : 12).slice(0, width)}`);
    };
    return {
      update(stats) {
        last = stats;
        if (timer) return;
        const wait = Math.max(0, 100 - (performance.now() - drawn));
        timer = setTimeout(draw, wait);
        timer.unref();
      },
      note(line) {
        out.write(`\r\x1b[2K${line}\n`);
        draw();
      },
      end() {
        if (timer) clearTimeout(timer);
        out.write('\r\x1b[2K');
      },
    };
  }
  let lastStep = -1;
  let lastAt = start;
  return {
    update(stats) {
      last = stats;
      const total = stats.total ?? stats.estimate;
      const settled = stats.done + stats.failed + stats.skipped;
      const now = performance.now();
      const step = total ? Math.floor((settled / total) * 10) : -1;
      if ((total && step > lastStep) || now - lastAt > 15_000) {
        lastStep = Math.max(lastStep, step);
        lastAt = now;
        out.write(`rdeploy: ${formatMapStats(stats, unit, now - start, 0)}\n`);
      }
    },
    note(line) {
      out.write(`${line}\n`);
    },
    end: () => undefined,
  };
}
