import type { BrokerState } from '../../src/model/broker-state.js';
import { createInitialShards } from '../../src/model/resharding.js';
import { Stream } from '../../src/model/stream.js';

/** A provisioned stream of `shards` even shards, registered in `state`, made without the request path. */
export function modelStream(state: BrokerState, name: string, shards: number): Stream {
  const stream = new Stream({ name, arn: state.arn(name), createdMs: 1, mode: 'PROVISIONED', maxRecordSizeKiB: 1024 });
  createInitialShards(state, stream, shards);
  state.streams.set(name, stream);
  return stream;
}
