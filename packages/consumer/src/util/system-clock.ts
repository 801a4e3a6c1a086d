import { performance } from 'node:perf_hooks';
import type { Clock } from '../types.js';

/** Monotonic milliseconds: immune to wall-clock steps, so lease expiry never depends on NTP. */
export const systemClock: Clock = Object.freeze({ now: () => performance.now() });
