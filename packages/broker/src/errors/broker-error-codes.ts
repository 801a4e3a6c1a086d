/** Stable codes of the errors @shardline/broker throws to its embedder (never to wire clients). */
export const BrokerErrorCodes = Object.freeze({
  /** A request failed with an AWS error; the wire client receives `awsErrorCode` and the message. */
  API: 'SHARDLINE_ERR_BROKER_API',
  /** The data directory could not be read, written or recovered. */
  STORAGE: 'SHARDLINE_ERR_BROKER_STORAGE',
  /** The credentials file could not be read or is malformed. */
  CREDENTIALS: 'SHARDLINE_ERR_BROKER_CREDENTIALS',
} as const);
