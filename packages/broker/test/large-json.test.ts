import fc from 'fast-check';
import { expect, it } from 'vitest';
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

it('slices long base64 strings straight from the body', () => {
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
  expect(parseLargeJson(body)).toEqual({
    StreamName: 's',
    Records: [
      { PartitionKey: 'ké', Data: data },
      { PartitionKey: 'k', Data: 'AAAA' },
    ],
  });
});
