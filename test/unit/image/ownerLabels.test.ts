import { describe, expect, it } from 'vitest';
import { ownerLabelInstruction, withOwnerLabels } from '../../../src/targets/image/ownerLabels';

describe("the deployment's labels in the Dockerfile", () => {
  it('are one LABEL step, so an image has both labels or neither', () => {
    expect(ownerLabelInstruction({ root: '/home/ana/churn', name: 'churn' })).toBe('LABEL rdeploy-project="/home/ana/churn" rdeploy-deployment="churn"\n');
    expect(withOwnerLabels('FROM x\nCMD ["R"]\n\n', { root: '/p', name: 'm' })).toBe('FROM x\nCMD ["R"]\nLABEL rdeploy-project="/p" rdeploy-deployment="m"\n');
  });

  it('quote any folder name: non-ASCII, quotes, $ and backslashes stay text', () => {
    expect(ownerLabelInstruction({ root: "/home/bob/Müller Prognose/bob's \"model\" $HOME\\x", name: 'm' })).toBe(
      'LABEL rdeploy-project="/home/bob/Müller Prognose/bob\'s \\"model\\" \\$HOME\\\\x" rdeploy-deployment="m"\n',
    );
  });

  it('refuse a control character, which no quoting makes safe', () => {
    expect(() => ownerLabelInstruction({ root: '/tmp/a\nRUN rm -rf /', name: 'm' })).toThrow(/control character in its path/);
  });
});
