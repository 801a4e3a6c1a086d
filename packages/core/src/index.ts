export * from './aggregation/index.js';
export * from './cbor/index.js';
export * from './codec/index.js';
export * from './errors/index.js';
export * from './hash-key/index.js';
export * from './rate/index.js';
