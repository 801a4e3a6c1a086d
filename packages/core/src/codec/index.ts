export { AGGREGATE_OVERHEAD } from './aggregate-format.js';
export type { AggregateInput } from './aggregate-input.js';
export type { Codec } from './codec.js';
export { packStrings } from './pack-strings.js';
export type { PackedStrings } from './packed-strings.js';
export { typescriptCodec } from './typescript-codec.js';
