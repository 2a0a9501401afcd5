// Figures the benches share: the median of a run's samples (the middle one, or the mean of the
// two middle ones). Input: numbers in any order. Output: a number, NaN for no samples.

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
