import { Decoder, Encoder, Tag } from 'cbor-x';
import { EpochMs } from './epoch-ms.js';

let decoder: Decoder | undefined;
let encoder: Encoder | undefined;

// Records (cbor-x's extension) and tagged Uint8Arrays would be unreadable to AWS SDK CBOR parsers.
// int64AsNumber (not in cbor-x's typings): Java SDKs send epoch-ms timestamps as 64-bit integers, which
// must decode as numbers, not bigints, for the tag-1 Date conversion.
const OPTIONS = {
  useRecords: false,
  mapsAsObjects: true,
  tagUint8Array: false,
  variableMapSize: true,
  int64AsNumber: true,
} as const;

/** Decodes an AWS CBOR 1.1 body. Tag 1 arrives as a Date whose time is the sent value * 1000. */
export function decodeCbor(body: Uint8Array): unknown {
  decoder ??= new Decoder(OPTIONS);
  return decoder.decode(body);
}

function toWire(value: unknown): unknown {
  // A bigint makes cbor-x write a CBOR integer; large plain numbers would become float64.
  if (value instanceof EpochMs) return new Tag(BigInt(Math.round(value.ms)), 1);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(toWire);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
  return out;
}

/** Encodes a response: blobs as byte strings, timestamps as tag 1 over epoch milliseconds (what AWS sends). */
export function encodeCbor(value: unknown): Buffer {
  encoder ??= new Encoder(OPTIONS);
  return encoder.encode(toWire(value));
}
