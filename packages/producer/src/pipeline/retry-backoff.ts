/**
 * Delay before retry number `attempt` (1 for the first retry): exponential from `initial`, capped at
 * `max`, with "equal jitter" (half fixed, half random) so a throttled fleet does not retry in lockstep
 * yet never retries at once.
 */
export function retryBackoff(
  attempt: number,
  initial: number,
  max: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(max, initial * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
