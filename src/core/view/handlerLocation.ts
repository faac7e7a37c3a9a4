import * as path from 'node:path';

/**
 * Where the CodeLens goes: the line of the handler function's top-level definition
 * (`score <- function(`, `"score" = function(`, `score <- \(x)`), 0-based, or undefined.
 */
export function handlerDefinitionLine(code: string, fn: string): number | undefined {
  const name = fn.replace(/[.]/g, '\\.');
  const pattern = new RegExp(`^\\s*([\`"']?)${name}\\1\\s*(<<?-|=)\\s*(function\\b|\\\\\\s*\\()`);
  const lines = code.split(/\r?\n/);
  const line = lines.findIndex((l) => pattern.test(l));
  return line < 0 ? undefined : line;
}

/** The handler file of a project (absolute) and the function name, from `file.function`. */
export function handlerTarget(root: string, handler: string): { file: string; fn: string } {
  const dot = handler.indexOf('.');
  return { file: path.join(root, `${handler.slice(0, dot)}.R`), fn: handler.slice(dot + 1) };
}

/**
 * The folders that may be the project root of an R file: its own folder and each parent up to
 * (and including) `stopAt`, nearest first. Handlers like `api/model.fn` live below the root.
 */
export function candidateRoots(file: string, stopAt: string | undefined): string[] {
  const out: string[] = [];
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    out.push(dir);
    if ((stopAt !== undefined && path.resolve(dir) === path.resolve(stopAt)) || path.dirname(dir) === dir) break;
    if (out.length >= 8) break;
  }
  return out;
}
