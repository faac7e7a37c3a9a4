import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileNotFound, invalidHeader, invalidRange } from '../data/errors';

/**
 * The nodes' disks: one temporary folder per account holding, per node, the layout the service
 * uses under AZ_BATCH_NODE_ROOT_DIR — `workitems/{job}/job-1/{task}/` with the task's stdout.txt,
 * stderr.txt and its working directory `wd/`. Task file reads come from here, whole or by
 * `ocp-range: bytes=start-end` (inclusive; an end past the file is cut to it; a start at or past
 * the end is 416 InvalidRange), while the task still writes to them.
 */
export interface FileInfo {
  name: string;
  isDirectory: boolean;
  size: number;
  modified: number;
  created: number;
  mode: string;
}

export class NodeDisks {
  readonly root: string;

  constructor(label: string) {
    this.root = mkdtempSync(path.join(tmpdir(), `rdeploy-batch-${label.replace(/[^A-Za-z0-9_-]/g, '-')}-`));
  }

  nodeRoot(nodeId: string): string {
    return path.join(this.root, 'nodes', nodeId);
  }

  taskDir(nodeId: string, jobId: string, taskId: string): string {
    return path.join(this.nodeRoot(nodeId), 'workitems', jobId, 'job-1', taskId);
  }

  /** A fresh attempt's files: the working directory, and stdout.txt/stderr.txt emptied. */
  async prepare(dir: string): Promise<void> {
    await mkdir(path.join(dir, 'wd'), { recursive: true });
    await writeFile(path.join(dir, 'stdout.txt'), '');
    await writeFile(path.join(dir, 'stderr.txt'), '');
  }

  /** prepare(), at once: the files exist the moment the task is running. */
  prepareSync(dir: string): void {
    mkdirSync(path.join(dir, 'wd'), { recursive: true });
    writeFileSync(path.join(dir, 'stdout.txt'), '');
    writeFileSync(path.join(dir, 'stderr.txt'), '');
  }

  /** Removes a task's directory; a container still writing into it cannot make this fail. */
  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }

  async removeAll(): Promise<void> {
    await rm(this.root, { recursive: true, force: true, maxRetries: 3 });
  }

  /** A file of the task, by the path the API names it with ('stdout.txt', 'wd/out.json'). */
  async info(dir: string, filePath: string): Promise<FileInfo> {
    const full = resolveInside(dir, filePath);
    try {
      const s = await stat(full);
      return { name: filePath, isDirectory: s.isDirectory(), size: s.isDirectory() ? 0 : s.size, modified: s.mtimeMs, created: s.birthtimeMs || s.ctimeMs, mode: `0${(s.mode & 0o170777).toString(8)}` };
    } catch {
      throw fileNotFound();
    }
  }

  /** The bytes asked for: the whole file, or the `ocp-range` (which must be `bytes=start-end` or `bytes=start-`). */
  async read(dir: string, filePath: string, range: string | undefined): Promise<{ data: Buffer; size: number }> {
    const info = await this.info(dir, filePath);
    if (info.isDirectory) throw fileNotFound();
    let start = 0;
    let end = info.size - 1;
    if (range !== undefined) {
      const m = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
      if (!m || (m[2] !== '' && Number(m[2]) < Number(m[1]))) throw invalidHeader('ocp-range', range);
      start = Number(m[1]);
      if (start >= info.size) throw invalidRange();
      end = m[2] === '' ? info.size - 1 : Math.min(Number(m[2]), info.size - 1);
    }
    const length = Math.max(0, end - start + 1);
    const handle = await open(resolveInside(dir, filePath), 'r');
    try {
      const data = Buffer.alloc(length);
      const { bytesRead } = await handle.read(data, 0, length, start);
      return { data: data.subarray(0, bytesRead), size: info.size };
    } finally {
      await handle.close();
    }
  }

  /** The task's files: the top level, or everything below it (recursive). */
  async list(dir: string, recursive: boolean): Promise<FileInfo[]> {
    const out: FileInfo[] = [];
    const walk = async (relative: string) => {
      let entries: string[];
      try {
        entries = (await readdir(path.join(dir, relative))).sort();
      } catch {
        return;
      }
      for (const entry of entries) {
        const name = relative ? `${relative}/${entry}` : entry;
        const info = await this.info(dir, name);
        out.push(info);
        if (info.isDirectory && recursive) await walk(name);
      }
    };
    await walk('');
    return out;
  }
}

/** The file's absolute path; a path that would leave the task directory does not exist. */
function resolveInside(dir: string, filePath: string): string {
  const full = path.resolve(dir, filePath.replace(/\\/g, '/'));
  if (full !== dir && !full.startsWith(`${dir}${path.sep}`)) throw fileNotFound();
  return full;
}
