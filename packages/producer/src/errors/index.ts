export { BufferFullError } from './buffer-full-error.js';
export { ProducerErrorCodes } from './producer-error-codes.js';
export { RecordExpiredError } from './record-expired-error.js';
