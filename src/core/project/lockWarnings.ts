import type { Lockfile } from './model';

const RENV_HASH = /^[0-9a-f]{32}$/i;

/**
 * Where renv would not protect the user, said before anything is built: a package `Hash` that
 * is not the 32 hex digits renv writes (the lockfile was damaged, by a merge or a hand edit, so
 * renv cannot tell a right package from a wrong one), and a repository over plain http (anyone on
 * the network path can change what the image installs).
 */
export function lockfileWarnings(lock: Lockfile): string[] {
  const warnings: string[] = [];
  if (lock.kind === 'renv') {
    const bad = lock.packages.filter((p) => p.hash !== undefined && !RENV_HASH.test(p.hash)).map((p) => p.name);
    if (bad.length) {
      warnings.push(
        `renv.lock looks corrupt: the Hash of ${list(bad)} is not 32 hexadecimal digits. Re-create the lockfile with renv::snapshot() (or restore it from version control).`,
      );
    }
  }
  const http = lock.repositories.filter((r) => /^http:\/\//i.test(r.url));
  if (http.length) {
    const names = http.map((r) => `${r.name} (${r.url})`);
    warnings.push(`The repository ${list(names)} is plain http: packages would be downloaded without TLS, so anyone on the network path could change them. Use its https:// address in the lockfile.`);
  }
  return warnings;
}

function list(items: string[]): string {
  return items.length <= 5 ? items.join(', ') : `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`;
}
