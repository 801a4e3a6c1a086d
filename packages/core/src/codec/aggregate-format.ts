/** First four bytes of every KPL aggregated record. Internal: a shared Uint8Array cannot be frozen. */
export const AGGREGATE_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
/** Length of the MD5 trailer that follows the protobuf body. */
export const AGGREGATE_CHECKSUM_LENGTH = 16;
/** Bytes an aggregated record adds around its protobuf body: magic + MD5. */
export const AGGREGATE_OVERHEAD = 20;
