/** Exponential backoff with full jitter: a random wait in [0, min(max, base·2^attempt)]. */
export function backoffWithJitter(attempt: number, baseMillis: number, maxMillis: number): number {
  const ceiling = Math.min(maxMillis, baseMillis * 2 ** Math.min(attempt, 30));
  return Math.floor(Math.random() * (ceiling + 1));
}

/** A period varied by ±fraction, so a fleet started together does not scan the table in lockstep. */
export function jittered(periodMillis: number, fraction = 0.2): number {
  return Math.max(1, Math.round(periodMillis * (1 - fraction + Math.random() * 2 * fraction)));
}
