import { type ApiError, serializationError, validationError } from '../errors/api-error.js';

/** A decoded request body (JSON or CBOR). */
export type Input = Readonly<Record<string, unknown>>;

export type WireProtocol = 'json' | 'cbor';

const lowerFirst = (field: string): string => field.charAt(0).toLowerCase() + field.slice(1);

function show(value: unknown): string {
  const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return s.length > 100 ? `${s.slice(0, 100)}...` : s;
}

export function constraintError(field: string, value: unknown, constraint: string): ApiError {
  const shown = value === undefined || value === null ? 'null' : `'${show(value)}'`;
  return validationError(
    `1 validation error detected: Value ${shown} at '${lowerFirst(field)}' failed to satisfy constraint: Member must ${constraint}`,
  );
}

function typeError(field: string, expected: string): ApiError {
  return serializationError(`Unexpected value type for field '${field}': expected ${expected}`);
}

export interface StringRule {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
}

export function optString(input: Input, field: string, rule: StringRule = {}): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeError(field, 'a string');
  if (rule.min !== undefined && value.length < rule.min) {
    throw constraintError(field, value, `have length greater than or equal to ${rule.min}`);
  }
  if (rule.max !== undefined && value.length > rule.max) {
    throw constraintError(field, value, `have length less than or equal to ${rule.max}`);
  }
  if (rule.pattern !== undefined && !rule.pattern.test(value)) {
    throw constraintError(
      field,
      value,
      `satisfy regular expression pattern: ${rule.pattern.source.replace(/^\^|\$$/g, '')}`,
    );
  }
  return value;
}

export function reqString(input: Input, field: string, rule: StringRule = {}): string {
  const value = optString(input, field, rule);
  if (value === undefined) throw constraintError(field, undefined, 'not be null');
  return value;
}

export function optInt(input: Input, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(field, 'an integer');
  if (value < min) throw constraintError(field, value, `have value greater than or equal to ${min}`);
  if (value > max) throw constraintError(field, value, `have value less than or equal to ${max}`);
  return value;
}

export function reqInt(input: Input, field: string, min: number, max: number): number {
  const value = optInt(input, field, min, max);
  if (value === undefined) throw constraintError(field, undefined, 'not be null');
  return value;
}

export function optEnum<T extends string>(input: Input, field: string, allowed: readonly T[]): T | undefined {
  const value = optString(input, field);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw constraintError(field, value, `satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

export function reqEnum<T extends string>(input: Input, field: string, allowed: readonly T[]): T {
  const value = optEnum(input, field, allowed);
  if (value === undefined) throw constraintError(field, undefined, 'not be null');
  return value;
}

export function optBoolean(input: Input, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw typeError(field, 'a boolean');
  return value;
}

export function optObject(input: Input, field: string): Input | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array)
    throw typeError(field, 'an object');
  return value as Input;
}

export function optList(input: Input, field: string, min: number, max: number): readonly unknown[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw typeError(field, 'a list');
  if (value.length < min) throw constraintError(field, '[]', `have length greater than or equal to ${min}`);
  if (value.length > max)
    throw constraintError(field, `[${value.length} items]`, `have length less than or equal to ${max}`);
  return value;
}

export function reqList(input: Input, field: string, min: number, max: number): readonly unknown[] {
  const value = optList(input, field, min, max);
  if (value === undefined) throw constraintError(field, undefined, 'not be null');
  return value;
}

/** A list of strings each within `rule`. */
export function optStringList(
  input: Input,
  field: string,
  min: number,
  max: number,
  rule: StringRule = {},
): string[] | undefined {
  const list = optList(input, field, min, max);
  if (list === undefined) return undefined;
  return list.map((item, i) => {
    if (typeof item !== 'string') throw typeError(`${field}.${i + 1}`, 'a string');
    return reqString({ [`${field}.${i + 1}.member`]: item }, `${field}.${i + 1}.member`, rule);
  });
}

/** A string-to-string map. */
export function optStringMap(input: Input, field: string): Map<string, string> | undefined {
  const value = optObject(input, field);
  if (value === undefined) return undefined;
  const map = new Map<string, string>();
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw typeError(`${field}.${k}`, 'a string');
    map.set(k, v);
  }
  return map;
}

/**
 * A timestamp as epoch ms. JSON sends epoch seconds (a number); CBOR sends tag 1 over epoch ms, which the
 * CBOR decoder hands over as a Date it believes is seconds-based (so its time is ms * 1000), or a number.
 */
export function optTimestampMs(input: Input, field: string, protocol: WireProtocol): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) {
    const ms = value.getTime() / 1000;
    if (!Number.isFinite(ms)) throw typeError(field, 'a timestamp');
    return ms;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return protocol === 'cbor' ? value : value * 1000;
  if (typeof value === 'string' && value.length > 0 && value.length < 40) {
    const asNumber = Number(value);
    if (Number.isFinite(asNumber)) return asNumber * 1000;
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  throw typeError(field, 'a timestamp');
}
