/** A positive integer setting from the environment (BENCH_*), or its default; exits 1 on anything else. */
export function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`${name} must be a positive integer, not ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return n;
}
