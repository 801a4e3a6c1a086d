export { loadCredentialsFile } from './auth/credentials-file.js';
export { ApiError } from './errors/api-error.js';
export { BrokerErrorCodes } from './errors/broker-error-codes.js';
export { CredentialsError } from './errors/credentials-error.js';
export { StorageError } from './errors/storage-error.js';
export {
  type BrokerCredential,
  type BrokerLogger,
  type BrokerOptions,
  DEFAULTS as BROKER_DEFAULTS,
  type FsyncPolicy,
} from './options/broker-options.js';
export type { BrokerRequestEvent } from './server/request-handler.js';
export { type Broker, startBroker } from './start-broker.js';
