import { LeaseLostError } from '../errors/lease-lost-error.js';
import type {
  BatchContext,
  Clock,
  EachBatchHandler,
  EachRecordHandler,
  KclStyleProcessor,
  Logger,
  ProcessRecordsInput,
} from '../types.js';

export interface RunProcessorOptions {
  readonly eachBatch?: EachBatchHandler | undefined;
  readonly eachRecord?: EachRecordHandler | undefined;
  readonly autoCheckpoint: boolean;
  readonly autoCheckpointIntervalMillis: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Adapts the ergonomic run({ eachBatch | eachRecord }) handlers to the KCL processor lifecycle:
 * optional automatic checkpoints after handled batches (at most once per interval), always at
 * SHARD_END so children can start, and at shutdown.
 */
export function createRunProcessor(options: RunProcessorOptions): KclStyleProcessor {
  let lastAutoCheckpoint = options.clock.now();
  const autoCheckpoint = async (input: ProcessRecordsInput): Promise<void> => {
    if (!options.autoCheckpoint) return;
    const now = options.clock.now();
    if (now - lastAutoCheckpoint < options.autoCheckpointIntervalMillis && !input.isAtShardEnd) return;
    try {
      await input.checkpointer.checkpoint();
      lastAutoCheckpoint = now;
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      // A DynamoDB hiccup must not fail a handled batch; the next batch checkpoints further anyway.
      options.logger.warn(
        { err: error, shardId: input.shardId },
        'automatic checkpoint failed; retrying after the next batch',
      );
    }
  };
  return {
    async processRecords(input) {
      const context: BatchContext = {
        shardId: input.shardId,
        records: input.records,
        checkpoint: (sequenceNumber, subSequenceNumber) =>
          input.checkpointer.checkpoint(sequenceNumber, subSequenceNumber),
        signal: input.signal,
        millisBehindLatest: input.millisBehindLatest,
        isAtShardEnd: input.isAtShardEnd,
      };
      if (options.eachBatch !== undefined) {
        await options.eachBatch(context);
      } else if (options.eachRecord !== undefined) {
        for (const record of input.records) {
          if (input.signal.aborted) throw new LeaseLostError(input.shardId, 'lost while processing');
          await options.eachRecord(record, context);
        }
      }
      await autoCheckpoint(input);
    },
    async shardEnded({ checkpointer }) {
      await checkpointer.checkpoint();
    },
    async shutdownRequested({ checkpointer }) {
      if (options.autoCheckpoint) await checkpointer.checkpoint();
    },
  };
}
