import fc from 'fast-check';
import { expect, it } from 'vitest';
import { Base64Slice } from '../src/protocol/base64-slice.js';
import { parseLargeJson } from '../src/protocol/large-json.js';

it('parses what JSON.parse parses, or declines (never a different value)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
      const text = JSON.stringify(v, null, pretty ? 2 : undefined);
      const parsed = parseLargeJson(Buffer.from(text));
      if (parsed !== undefined) expect(parsed).toEqual(JSON.parse(text));
    }),
    { numRuns: 2000 },
  );
});

it('declines malformed input instead of guessing', () => {
  for (const text of [
    '{',
    '{"a":1,}',
    '[1 2]',
    '{"a":"x\\"y"}',
    '{"__proto__":{"x":1}}',
    '01',
    '{"a":tru}',
    '"abc',
    '{} x',
    '{"a":"\u0001"}',
  ]) {
    expect(parseLargeJson(Buffer.from(text))).toBeUndefined();
  }
});

it('leaves long Data strings in the body as base64 slices, decoded straight into a buffer', () => {
  const data = Buffer.alloc(300_000, 7).toString('base64');
  const body = Buffer.from(
    JSON.stringify({
      StreamName: 's',
      Records: [
        { PartitionKey: 'ké', Data: data },
        { PartitionKey: 'k', Data: 'AAAA' },
      ],
    }),
  );
  const parsed = parseLargeJson(body) as { StreamName: string; Records: { PartitionKey: string; Data: unknown }[] };
  expect(parsed.StreamName).toBe('s');
  expect(parsed.Records.map((r) => r.PartitionKey)).toEqual(['ké', 'k']);
  expect(parsed.Records[1]?.Data).toBe('AAAA');
  const slice = parsed.Records[0]?.Data as Base64Slice;
  expect(slice).toBeInstanceOf(Base64Slice);
  expect(slice.decodedLength).toBe(300_000);
  const out = Buffer.alloc(300_000);
  expect(slice.decodeInto(out, 0, 300_000)).toBe(300_000);
  expect(out.equals(Buffer.alloc(300_000, 7))).toBe(true);
});

/** What the string path accepts: the text's length fits base64 and it decodes to exactly that many bytes. */
function decodeAsString(text: string): Buffer | undefined {
  const n = text.length;
  if (n % 4 === 1) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const length = ((n * 3) >> 2) - pad;
  const out = Buffer.alloc(length);
  return out.write(text, 0, length, 'base64') === length ? out : undefined;
}

function decodeAsSlice(bytes: Buffer): Buffer | undefined {
  const slice = new Base64Slice(bytes, 0, bytes.length);
  const length = slice.decodedLength;
  if (length < 0) return undefined;
  const out = Buffer.alloc(length);
  return slice.decodeInto(out, 0, length) === length ? out : undefined;
}

it('accepts and decodes base64 slices exactly as the string path does, across pieces', () => {
  // With the addon, canonical text is decoded natively and the rest (URL-safe characters, stray '=')
  // the way Buffer does: either way the outcome must be the string path's.
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 70_000 }),
      fc.nat(),
      fc.constantFrom('', '!', '=', 'A', ' ', '\u00e9', '-', '_', '+', '/'),
      fc.boolean(),
      (data, at, replacement, unpadded) => {
        let text = Buffer.from(data).toString('base64');
        if (unpadded) text = text.replace(/=+$/, '');
        if (replacement !== '' && text.length > 0) {
          const i = at % text.length;
          text = text.slice(0, i) + replacement + text.slice(i + 1);
        }
        const viaString = decodeAsString(text);
        const viaSlice = decodeAsSlice(Buffer.from(text, 'utf8'));
        expect(viaSlice === undefined).toBe(viaString === undefined);
        if (viaSlice !== undefined) expect(viaSlice.equals(viaString as Buffer)).toBe(true);
        if (replacement === '') expect(viaSlice?.equals(Buffer.from(data))).toBe(true);
      },
    ),
    { numRuns: 400 },
  );
});
