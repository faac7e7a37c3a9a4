import { describe, expect, it } from 'vitest';
import { parseDockerignore } from '../../../src/core/docker/ignoreMatch';

describe('dockerignore', () => {
  const ig = parseDockerignore(
    ['# comment', '', '.git', '*.log', '/renv/library', 'data/**/*.csv', '**/cache', 'secret?.txt', 'out/', '!out/keep.rds', 'tmp[0-9]'].join('\n'),
  );
  const cases: [string, boolean][] = [
    ['.git', true],
    ['.git/config', true], // a folder pattern excludes what is inside
    ['a.log', true],
    ['sub/a.log', false], // "*" does not cross "/"
    ['renv/library/R-4.3/x86_64/pkg/DESCRIPTION', true],
    ['renv/activate.R', false],
    ['data/a.csv', true],
    ['data/x/y/b.csv', true],
    ['data/readme.md', false],
    ['cache', true],
    ['deep/er/cache/file', true],
    ['secret1.txt', true],
    ['secret12.txt', false],
    ['out/model.rds', true],
    ['out/keep.rds', false], // "!" re-includes
    ['tmp7', true],
    ['tmpx', false],
    ['score.R', false],
    ['# comment', false],
  ];
  it.each(cases)('%s → ignored: %s', (p, expected) => {
    expect(ig.ignores(p)).toBe(expected);
  });

  it('lets the last matching line win', () => {
    expect(parseDockerignore('*.rds\n!model.rds').ignores('model.rds')).toBe(false);
    expect(parseDockerignore('!model.rds\n*.rds').ignores('model.rds')).toBe(true);
    expect(parseDockerignore('*.rds\n!model.rds').hasExceptions).toBe(true);
    expect(parseDockerignore('*.rds').hasExceptions).toBe(false);
  });

  it('cleans patterns like Docker does (./, //, trailing spaces, CRLF)', () => {
    const ig2 = parseDockerignore('./build//tmp  \r\n  docs/../notes\r\n');
    expect(ig2.ignores('build/tmp/x')).toBe(true);
    expect(ig2.ignores('notes')).toBe(true);
    expect(ig2.ignores('docs')).toBe(false);
  });

  it('treats regex characters literally', () => {
    const ig3 = parseDockerignore('a+b.(x)\n\\*star');
    expect(ig3.ignores('a+b.(x)')).toBe(true);
    expect(ig3.ignores('aab.(x)')).toBe(false);
    expect(ig3.ignores('*star')).toBe(true);
    expect(ig3.ignores('xstar')).toBe(false);
  });
});
