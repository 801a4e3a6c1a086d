let table: Int32Array | undefined;

function makeTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

/** CRC-32 (IEEE) of `bytes[start, end)`, continuing from `seed` (node:zlib has crc32 only from Node 22). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, seed = 0): number {
  table ??= makeTable();
  const t = table;
  let c = ~seed;
  for (let i = start; i < end; i++) c = (t[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}
