import { ErrorCodes } from './error-codes.js';

const kBrands = Symbol.for('shardline.error.brands');

export interface ShardlineErrorOptions {
  /** A stable `SHARDLINE_ERR_*` string; see ErrorCodes. */
  readonly code?: string;
  /** True when repeating the same call later may succeed. */
  readonly retriable?: boolean;
  readonly cause?: unknown;
}

/**
 * Base of every error Shardline throws or rejects with. `instanceof` works across duplicate copies of
 * the package (the check uses class names carried by the instance, not object identity), but the
 * documented contract is the `code` string.
 */
export class ShardlineError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(message: string, options: ShardlineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? ErrorCodes.UNKNOWN;
    this.retriable = options.retriable ?? false;
  }

  /** Names of this error's class and all its Shardline ancestors. */
  get [kBrands](): readonly string[] {
    const names: string[] = [];
    let proto: unknown = Object.getPrototypeOf(this);
    while (proto !== null && proto !== Error.prototype && typeof proto === 'object') {
      const ctor = (proto as { constructor?: { name?: string } }).constructor;
      if (ctor?.name) names.push(ctor.name);
      proto = Object.getPrototypeOf(proto);
    }
    return names;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const brands = (value as { [kBrands]?: unknown })[kBrands];
    if (!Array.isArray(brands)) return false;
    // `this` is the class on the right of instanceof, so each subclass checks its own brand.
    // biome-ignore lint/complexity/noThisInStatic: polymorphic static dispatch is the point here
    return brands.includes(this.name);
  }
}
