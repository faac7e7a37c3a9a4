/**
 * What a person reads while an image builds: the human name of the step (never Docker's raw
 * output, which stays in `line` for --verbose and the output channel), and, on a heartbeat, how
 * long the step has run and what it is working on, so a CI log never sits silent for minutes.
 */

/** Each instruction the Dockerfile generator (src/core/docker/generateDockerfile.ts) emits, by what it is for. */
const STEP_NAMES: Array<[RegExp, string]> = [
  [/^FROM (rdeploy-runtime:|sha256:)/i, 'starting from the R Deploy runtime'],
  [/^FROM /i, 'preparing the base image'],
  [/^RUN groupadd /, 'preparing the base image'],
  [/^ENV RDEPLOY_RUNTIME_LIB=/, 'installing the R Deploy runtime'],
  [/^COPY .*"\.rdeploy-build\/runtime\/(install\.R|DEPENDENCIES|native\/)"/, 'installing the R Deploy runtime'],
  [/^RUN Rscript \S*\/runtime\/install\.R/, 'installing the R Deploy runtime'],
  [/^RUN apt-get /, 'installing system libraries'],
  [/^COPY .*"\.rdeploy-build\/(renv\.lock|restore\.R)"/, 'restoring your R packages'],
  [/^RUN Rscript \S*\/restore\.R/, 'restoring your R packages'],
  [/^(ENV R_LIBS=|WORKDIR |COPY )/, 'copying your code'],
  [/^LABEL .*rdeploy-runtime=/, 'finishing the R Deploy runtime'],
  [/^(USER|ENV|EXPOSE|HEALTHCHECK|LABEL|CMD|ENTRYPOINT) /i, 'finishing the image'],
];

/**
 * "Step 8/20 : RUN Rscript /opt/rdeploy/restore.R" → "Building image (8/20): restoring your R
 * packages" (`what` names the build); any other line → undefined (it is output, not a step).
 */
export function describeStep(line: string, what = 'Building image'): string | undefined {
  const m = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
  if (!m) return undefined;
  const instruction = m[3]!.trim();
  const name = STEP_NAMES.find(([re]) => re.test(instruction))?.[1] ?? 'building';
  return `${what} (${m[1]}/${m[2]}): ${name}`;
}

/** 150 s → "2m30s"; 42 s → "42s". */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * Follows the build output and says what the running step is working on: the R package being
 * installed ("compiling httpuv" once the compiler runs for it), a download, or the apt package
 * being set up.
 */
export class BuildActivity {
  private pkg: string | undefined;
  private compiling = false;
  private other: string | undefined;

  /** A new step starts: what the previous one did no longer applies. */
  reset(): void {
    this.pkg = undefined;
    this.compiling = false;
    this.other = undefined;
  }

  see(line: string): void {
    const install = /^\* installing \*(?:source|binary)\* package ['‘"]([^'’"]+)['’"]/.exec(line) ?? /^-?\s*Installing ([A-Za-z][A-Za-z0-9.]*) \.\.\./.exec(line);
    if (install) {
      this.pkg = install[1];
      this.compiling = false;
      this.other = undefined;
      return;
    }
    if (this.pkg && /^(?:\S*\/)?(?:gcc|g\+\+|cc|c\+\+|clang\+*|gfortran)(?:-\d+)?\s/.test(line)) {
      this.compiling = true;
      return;
    }
    const download = /Downloading:?\s+([A-Za-z][A-Za-z0-9.]*)/.exec(line);
    if (download) {
      this.other = `downloading ${download[1]}`;
      return;
    }
    const apt = /^(?:Unpacking|Setting up) ([a-z0-9][a-z0-9+.-]+)/.exec(line);
    if (apt) this.other = `setting up ${apt[1]}`;
  }

  describe(): string | undefined {
    if (this.other) return this.other;
    if (this.pkg) return `${this.compiling ? 'compiling' : 'installing'} ${this.pkg}`;
    return undefined;
  }
}
