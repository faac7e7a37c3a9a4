/**
 * How a task's command line becomes a process's arguments. The service runs it without a shell
 * ("The command line does not run under a shell ... invoke the shell in the command line, for
 * example /bin/sh -c MyCommand"), so no variable expansion, globbing or redirection happens;
 * words are split on whitespace, and single quotes, double quotes and backslashes group and
 * escape as POSIX word splitting does.
 */
export function splitCommandLine(commandLine: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < commandLine.length; i += 1) {
    const c = commandLine[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < commandLine.length && '"\\$`'.includes(commandLine[i + 1]!)) word += commandLine[++i];
      else word += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\' && i + 1 < commandLine.length) word += commandLine[++i];
    else word += c;
  }
  if (quote) throw new Error(`unterminated ${quote} quote in the command line`);
  if (inWord) words.push(word);
  return words;
}
