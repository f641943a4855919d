const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
// The window syntax of pipeline definitions (docs/pipelines.md); @tributary/pipelines validates it
// but does not export its parser, so the same grammar is read here.
const WINDOW = /^([0-9]{1,9})(ms|s|m|h|d)$/;

/** `"10m"` → 600000; undefined when the text is not `<digits><ms|s|m|h|d>`. */
export function parseWindowMs(text: string): number | undefined {
  const match = WINDOW.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 ? ms : undefined;
}
