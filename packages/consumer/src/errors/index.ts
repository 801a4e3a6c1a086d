export { type ConsumerErrorCode, ConsumerErrorCodes } from './consumer-error-codes.js';
export { HandlerError } from './handler-error.js';
export { InvalidCheckpointError } from './invalid-checkpoint-error.js';
export { LeaseLostError } from './lease-lost-error.js';
export { LeaseTableAccessError } from './lease-table-access-error.js';
