/**
 * `.dockerignore` matching with Docker's own rules (moby/patternmatcher): Go `filepath.Match`
 * globs plus `**`, a pattern that matches a folder excludes what is inside it, `!` re-includes,
 * and the last matching line wins. The image pipeline filters the build context with it (the
 * generated .dockerignore is never written into the user's project), and project loading uses it
 * to tell which files would enter the image.
 */
interface Rule {
  regex: RegExp;
  exclusion: boolean;
}

export interface DockerIgnore {
  /** True when the context-relative path (forward slashes) is left out of the context. */
  ignores(relPath: string): boolean;
  /** True when some `!` rule exists: excluded folders must still be walked. */
  readonly hasExceptions: boolean;
}

export function parseDockerignore(text: string): DockerIgnore {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    let exclusion = false;
    if (line.startsWith('!')) {
      exclusion = true;
      line = line.slice(1).trim();
    }
    const pattern = cleanPath(line);
    if (!pattern || pattern === '.') continue;
    rules.push({ regex: globToRegExp(pattern), exclusion });
  }
  return {
    hasExceptions: rules.some((r) => r.exclusion),
    ignores(relPath: string): boolean {
      const parts = cleanPath(relPath).split('/');
      let ignored = false;
      for (const rule of rules) {
        if (ignored === !rule.exclusion) continue; // this rule cannot change the outcome
        if (matchesOrParent(rule.regex, parts)) ignored = !rule.exclusion;
      }
      return ignored;
    },
  };
}

function matchesOrParent(regex: RegExp, parts: string[]): boolean {
  for (let n = parts.length; n >= 1; n--) {
    if (regex.test(parts.slice(0, n).join('/'))) return true;
  }
  return false;
}

/** Like Go's filepath.Clean on a slash path, without a leading "/" (context-relative). */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.replace(/\\(?=[\\/])/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

function globToRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        while (pattern[i + 1] === '*') i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += i + 1 >= pattern.length ? '.*' : '(?:.*/)?';
        } else {
          re += '.*';
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = '^' + cls.slice(1);
      re += '[' + cls.replace(/\\/g, '\\\\') + ']';
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += escape(pattern[++i]!);
    } else {
      re += escape(c);
    }
  }
  return new RegExp(re + '$');
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? '\\' + c : c;
}
