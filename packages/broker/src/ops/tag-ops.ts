import { invalidArgument, notFound } from '../errors/api-error.js';
import type { BrokerState } from '../model/broker-state.js';
import type { Stream } from '../model/stream.js';
import { type Input, optInt, optString, optStringList, optStringMap, reqString } from './input.js';
import type { RequestContext } from './operation.js';
import { findStream, STREAM_ARN } from './stream-lookup.js';

const MAX_TAGS = 50;
const TAG_KEY = { min: 1, max: 128 } as const;

/** AWS's tag rules: at most 50 per resource, keys 1-128 and values 0-256 characters, no aws: prefix. */
export function validateTags(tags: Map<string, string>, existing: number): void {
  for (const [k, v] of tags) {
    if (k.length < 1 || k.length > 128)
      throw invalidArgument(`Tag key ${JSON.stringify(k)} must be 1 to 128 characters.`);
    if (v.length > 256) throw invalidArgument(`Tag value for key ${JSON.stringify(k)} must be at most 256 characters.`);
    if (k.startsWith('aws:')) throw invalidArgument('Tag keys starting with aws: are reserved.');
  }
  if (existing + tags.size > MAX_TAGS) {
    throw invalidArgument(`Failed to add tags: a resource can have at most ${MAX_TAGS} tags.`);
  }
}

function addTags(state: BrokerState, stream: Stream, tags: Map<string, string>): void {
  let added = 0;
  for (const k of tags.keys()) if (!stream.tags.has(k)) added++;
  validateTags(tags, 0);
  if (stream.tags.size + added > MAX_TAGS)
    throw invalidArgument(`Failed to add tags: a resource can have at most ${MAX_TAGS} tags.`);
  for (const [k, v] of tags) stream.tags.set(k, v);
  state.storage?.metadataChanged();
}

function requiredTags(input: Input): Map<string, string> {
  const tags = optStringMap(input, 'Tags');
  if (tags === undefined) reqString(input, 'Tags');
  if (tags === undefined || tags.size === 0) throw invalidArgument('At least one tag must be given.');
  return tags;
}

export function addTagsToStream(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const tags = requiredTags(input);
  const stream = findStream(state, input);
  addTags(state, stream, tags);
  return {};
}

export function removeTagsFromStream(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const keys = optStringList(input, 'TagKeys', 1, MAX_TAGS, TAG_KEY);
  if (keys === undefined) reqString(input, 'TagKeys');
  const stream = findStream(state, input);
  for (const k of keys ?? []) stream.tags.delete(k);
  state.storage?.metadataChanged();
  return {};
}

export function listTagsForStream(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const start = optString(input, 'ExclusiveStartTagKey', TAG_KEY);
  const limit = optInt(input, 'Limit', 1, 50) ?? 50;
  const stream = findStream(state, input);
  const keys = [...stream.tags.keys()].sort().filter((k) => start === undefined || k > start);
  const page = keys.slice(0, limit);
  return {
    Tags: page.map((k) => ({ Key: k, Value: stream.tags.get(k) as string })),
    HasMoreTags: keys.length > page.length,
  };
}

function streamOfResource(state: BrokerState, input: Input): Stream {
  const arn = reqString(input, 'ResourceARN', { min: 1, max: 2048 });
  if (!STREAM_ARN.pattern.test(arn)) throw notFound(`Resource ${arn} not found.`);
  return findStream(state, { StreamARN: arn });
}

export function tagResource(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const tags = requiredTags(input);
  addTags(state, streamOfResource(state, input), tags);
  return {};
}

export function untagResource(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const keys = optStringList(input, 'TagKeys', 1, MAX_TAGS, TAG_KEY);
  if (keys === undefined) reqString(input, 'TagKeys');
  const stream = streamOfResource(state, input);
  for (const k of keys ?? []) stream.tags.delete(k);
  state.storage?.metadataChanged();
  return {};
}

export function listTagsForResource(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const stream = streamOfResource(state, input);
  const keys = [...stream.tags.keys()].sort();
  return { Tags: keys.map((k) => ({ Key: k, Value: stream.tags.get(k) as string })) };
}
