/**
 * How many runs property tests make. `npm test` keeps them bounded; set KUBESIM_PROPERTY_RUNS
 * (e.g. 10x the default) for a soak run. Seeds are pinned so CI failures replay exactly; set
 * KUBESIM_PROPERTY_SEED to explore other seeds.
 */
export function propertyRuns(defaultRuns: number): number {
  const v = Number(process.env.KUBESIM_PROPERTY_RUNS);
  return Number.isInteger(v) && v > 0 ? v : defaultRuns;
}

export function propertySeed(defaultSeed: number): number {
  const v = Number(process.env.KUBESIM_PROPERTY_SEED);
  return Number.isInteger(v) ? v : defaultSeed;
}
