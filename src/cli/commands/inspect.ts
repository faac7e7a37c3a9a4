import type { Command } from 'commander';
import { loadProject } from '../../core/project/loadProject';
import type { RProject } from '../../core/project/model';
import { print, printJson, table } from '../output';
import { projectDir } from '../projects';
import { runCommand } from '../run';

/** The shape of `rdeploy inspect --json`: a contract other tools rely on. */
export function projectJson(p: RProject) {
  return {
    root: p.root,
    lockfile: { kind: p.kind, path: p.path },
    rVersion: p.rVersion ?? null,
    repositories: p.repositories,
    bioconductorVersion: p.bioconductorVersion ?? null,
    packages: p.packages.map((pkg) => ({
      name: pkg.name,
      version: pkg.version ?? null,
      source: pkg.source,
      ...(pkg.repository ? { repository: pkg.repository } : {}),
      ...(pkg.remote ? { remote: pkg.remote } : {}),
    })),
    handler: p.handler,
    warnings: p.warnings,
  };
}

export function inspectCommand(program: Command): void {
  program
    .command('inspect [dir]')
    .description('show the detected R project: lockfile, R version, repositories, packages, handler')
    .option('--json', 'print JSON')
    .option('--handler <file.function>', 'the handler, like score.score')
    .action((dir: string | undefined, opts: { json?: boolean; handler?: string }) =>
      runCommand(program.opts(), async ({ cwd }) => {
        const project = await loadProject(await projectDir(dir, cwd), { handler: opts.handler });
        if (opts.json) return printJson(projectJson(project));
        print(`R project   ${project.root}`);
        print(`lockfile    ${project.kind} (${project.path})`);
        print(`R version   ${project.rVersion ?? 'not pinned'}`);
        if (project.bioconductorVersion) print(`Bioconductor ${project.bioconductorVersion}`);
        for (const r of project.repositories) print(`repository  ${r.name} ${r.url}`);
        print(`handler     ${project.handler}`);
        print(`packages    ${project.packages.length}`);
        if (project.packages.length) {
          const rows = project.packages.map((p) => [p.name, p.version ?? '-', describeSource(p)]);
          print(table(['  name', 'version', 'source'], rows.map((r) => [`  ${r[0]}`, r[1]!, r[2]!])));
        }
        for (const w of project.warnings) print(`warning: ${w}`);
      }),
    );
}

function describeSource(p: RProject['packages'][number]): string {
  const r = p.remote;
  if (r?.username && r.repo) return `${p.source} ${r.username}/${r.repo}${r.sha ? `@${r.sha.slice(0, 7)}` : r.ref ? `@${r.ref}` : ''}`;
  return p.repository ? `${p.source} (${p.repository})` : p.source;
}
