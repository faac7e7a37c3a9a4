/** Fills `{0}`, `{1}`… in a localised template. */
export function fill(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, n: string) => {
    const v = args[Number(n)];
    return v === undefined ? m : String(v);
  });
}

/** "85 ms", "1.25 s", "2 s", "12.5 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;
}

/** The response as the panel shows it: pretty JSON, cut at `limit` characters. */
export function prettyResponse(raw: string, limit = 200_000): { text: string; omitted: number } {
  let text = raw;
  try {
    text = JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    // Not JSON (should not happen): show it exactly as it came.
  }
  if (text.length <= limit) return { text, omitted: 0 };
  return { text: text.slice(0, limit), omitted: text.length - limit };
}
