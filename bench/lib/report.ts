/**
 * What every benchmark shares: rounding, peak RSS, and the run wrapper that prints the result
 * line last on stdout (or the failure on stderr, exit 1).
 */
export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** This process's peak resident set, MB. */
export function peakRssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function runBench(name: string, main: () => Promise<Record<string, unknown>>): void {
  main().then(
    (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
    (error: unknown) => {
      process.stderr.write(`bench:${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
