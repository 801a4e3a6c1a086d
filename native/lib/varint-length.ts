/** Bytes an unsigned LEB128 varint takes for a non-negative integer below 2^35 (ample for one aggregate). */
export function varintLength(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x20_0000) return 3;
  if (value < 0x1000_0000) return 4;
  return 5;
}

/** Bytes of a length-delimited protobuf field (tag, length varint, payload) with a one-byte tag. */
export function fieldLength(payload: number): number {
  return 1 + varintLength(payload) + payload;
}
