/** The median of a measurement's rounds (the upper one of an even count), as the scripts report it. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
