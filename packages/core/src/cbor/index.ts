export {
  CBOR_MAJOR_ARRAY,
  CBOR_MAJOR_BYTES,
  CBOR_MAJOR_MAP,
  CBOR_MAJOR_TEXT,
  CBOR_MAJOR_UINT,
  cborHeadSize,
  writeCborHead,
  writeU64BigEndian,
} from './cbor-head.js';
