import { describe, expect, it } from 'vitest';
import { dockerignorePatterns } from '../../../src/core/docker/dockerignore';
import { parseDockerignore as coreMatcher } from '../../../src/core/docker/ignoreMatch';
import { parseDockerignore as contextMatcher } from '../../../src/targets/image/dockerignore';

// core/docker/ignoreMatch.ts decides which files loadProject checks for credentials;
// targets/image/dockerignore.ts decides what the build context holds. They must agree.
const PATHS = [
  'score.R', '.git-credentials', 'a/.git-credentials', '.Renviron', '.Renviron.site', 'sub/.Renviron.site', 'sub/.aws/credentials', '.aws/config',
  'sub/.ssh/config', 'x/y/.ssh/id_ed25519', 'kubeconfig', 'deep/kubeconfig', 'a/.kube/config', 'gcp-key.json', 'cert.pem', 'data/model.rds',
  '.rdeploy-build/x', 'renv/library/R-4.3/x', 'a/.config/gcloud/credentials.db', 'node_modules/x', 'keep/.env',
];

describe('the two .dockerignore matchers agree', () => {
  for (const exclude of [[], ['data', '!data/model.rds'], ['!keep/.env', '!sub/.ssh/config', '*.json']]) {
    it(`defaults plus ${JSON.stringify(exclude)}`, () => {
      const text = dockerignorePatterns(exclude).join('\n');
      const a = coreMatcher(text);
      const b = contextMatcher(text);
      for (const p of PATHS) expect(a.ignores(p), p).toBe(b.ignores(p));
      expect(a.hasExceptions).toBe(b.hasExceptions);
    });
  }

  it('leaves secrets out at any depth (item 27)', () => {
    const m = contextMatcher(dockerignorePatterns().join('\n'));
    for (const p of ['.git-credentials', '.Renviron.site', 'sub/.aws/credentials', 'sub/.ssh/config', 'kubeconfig', 'deep/kubeconfig', 'a/.kube/config']) expect(m.ignores(p), p).toBe(true);
    for (const p of ['score.R', 'data/model.rds', 'gcp-key.json']) expect(m.ignores(p), p).toBe(false);
  });
});
