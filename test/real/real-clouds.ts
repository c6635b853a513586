/**
 * The real clouds under test, from PUMPHOUSE_REAL_SOURCE and PUMPHOUSE_REAL_TARGET (clouds.yaml
 * names). The real suite refuses to run without them rather than passing vacuously.
 */
export function realCloudNames(): string[] {
  const names = [process.env['PUMPHOUSE_REAL_SOURCE'], process.env['PUMPHOUSE_REAL_TARGET']].filter((n): n is string => Boolean(n));
  if (names.length === 0) {
    throw new Error('set PUMPHOUSE_REAL_SOURCE (and PUMPHOUSE_REAL_TARGET) to clouds.yaml names of real clouds, e.g. c5000 and c6000');
  }
  return names;
}

export function realSourceName(): string {
  return realCloudNames()[0]!;
}
