import type { BrokerState } from '../model/broker-state.js';
import type { Input, WireProtocol } from './input.js';

export interface RequestContext {
  readonly protocol: WireProtocol;
}

/**
 * One API operation. Handlers run synchronously to completion, so a request never observes another
 * one half-done; they return a plain object (timestamps as EpochMs, blobs as Buffers) or a RawBody
 * (a response already encoded for the request's protocol).
 */
export type OperationHandler = (state: BrokerState, input: Input, context: RequestContext) => unknown;

export interface Operation {
  readonly handler: OperationHandler;
  /** Whether read-only credentials may call it. */
  readonly readOnly: boolean;
}
