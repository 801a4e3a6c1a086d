import diagnostics_channel, { type Channel } from 'node:diagnostics_channel';

const NAMES = Object.freeze({
  leaseAcquired: 'shardline:consumer:leaseAcquired',
  leaseLost: 'shardline:consumer:leaseLost',
  leaseReleased: 'shardline:consumer:leaseReleased',
  shardEnded: 'shardline:consumer:shardEnded',
  handlerError: 'shardline:consumer:handlerError',
  checkpoint: 'shardline:consumer:checkpoint',
  batch: 'shardline:consumer:batch',
} as const);

/** Names of the diagnostics channels the consumer publishes on. */
export const ConsumerChannelNames = NAMES;

type ChannelKey = keyof typeof NAMES;
const cache = new Map<ChannelKey, Channel>();

/** Publishes to a channel, creating it on first use (nothing happens at import time). */
export function publish(key: ChannelKey, message: object): void {
  let channel = cache.get(key);
  if (channel === undefined) {
    channel = diagnostics_channel.channel(NAMES[key]);
    cache.set(key, channel);
  }
  if (channel.hasSubscribers) channel.publish(message);
}
