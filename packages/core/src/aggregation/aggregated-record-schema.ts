import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Protobuf from 'protobufjs';

/** The KPL AggregatedRecord schema as protobufjs reflection types, loaded from proto/aggregation.proto. */
export interface AggregatedRecordSchema {
  readonly root: Protobuf.Root;
  readonly AggregatedRecord: Protobuf.Type;
  readonly Record: Protobuf.Type;
  readonly Tag: Protobuf.Type;
}

let schema: AggregatedRecordSchema | undefined;

/**
 * Loads (once, on first call) the generic protobufjs codec for the aggregated-record body. Shardline's
 * own encoder and decoder do not use it: it exists as an independent reference for tests and
 * benchmarks, and for callers who want reflection over the format. protobufjs itself is required
 * here, not imported at the top: loading it takes tens of milliseconds that most users never need.
 */
export function aggregatedRecordSchema(): AggregatedRecordSchema {
  if (schema === undefined) {
    const protobuf = createRequire(import.meta.url)('protobufjs') as typeof Protobuf;
    // src/aggregation and dist/aggregation both sit two levels below the package root.
    const root = protobuf.loadSync(fileURLToPath(new URL('../../proto/aggregation.proto', import.meta.url)));
    schema = Object.freeze({
      root,
      AggregatedRecord: root.lookupType('shardline.aggregation.AggregatedRecord'),
      Record: root.lookupType('shardline.aggregation.Record'),
      Tag: root.lookupType('shardline.aggregation.Tag'),
    });
  }
  return schema;
}
