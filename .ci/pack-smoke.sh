#!/usr/bin/env bash
# Proves @shardline/native works as published: packs @shardline/core and @shardline/native (carrying a
# prebuild copied from the local build), installs both tarballs into an empty folder with npm, and
# checks that the addon loads, hashes and aggregates, and that SHARDLINE_NATIVE=0 selects TypeScript.
# Needs `pnpm run build` first. Cleans up everything it creates, pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

addon="$root/native/build/Release/shardline_native.node"
for needed in "$addon" "$root/native/dist/index.js" "$root/packages/core/dist/index.js"; do
  if [ ! -f "$needed" ]; then
    echo "pack-smoke: $needed is missing; run pnpm run build first" >&2
    exit 1
  fi
done

# Same rule as native/lib/platform-tag.ts and native/scripts/install.mjs.
tag="$(node -e 'const musl = process.platform === "linux" && process.report.getReport().header.glibcVersionRuntime === undefined; console.log(`${process.platform}-${process.arch}${musl ? "-musl" : ""}`)')"
prebuild_dir="$root/native/prebuilds/$tag"
work="$(mktemp -d "${TMPDIR:-/tmp}/shardline-pack-smoke.XXXXXX")"
created_prebuilds=0
[ -d "$root/native/prebuilds" ] || created_prebuilds=1

cleanup() {
  rm -f "$prebuild_dir/shardline_native.node"
  rmdir "$prebuild_dir" 2>/dev/null || true
  if [ "$created_prebuilds" = 1 ]; then rmdir "$root/native/prebuilds" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -e "$prebuild_dir/shardline_native.node" ]; then
  echo "pack-smoke: $prebuild_dir/shardline_native.node already exists; refusing to overwrite it" >&2
  trap - EXIT
  rm -rf "$work"
  exit 1
fi
mkdir -p "$prebuild_dir"
cp "$addon" "$prebuild_dir/shardline_native.node"

echo "pack-smoke: packing into $work/tarballs"
mkdir -p "$work/tarballs" "$work/app"
pnpm --filter @shardline/core pack --pack-destination "$work/tarballs" >/dev/null
pnpm --filter @shardline/native pack --pack-destination "$work/tarballs" >/dev/null
core_tgz="$(ls "$work"/tarballs/shardline-core-*.tgz)"
native_tgz="$(ls "$work"/tarballs/shardline-native-*.tgz)"
# List first: grep -q exiting early would SIGPIPE tar and trip pipefail.
listing="$(tar -tzf "$native_tgz")"
if ! grep -qx "package/prebuilds/$tag/shardline_native.node" <<<"$listing"; then
  echo "pack-smoke: $native_tgz carries no prebuild for $tag" >&2
  exit 1
fi

cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$core_tgz" "$native_tgz"

cat > smoke.mjs <<'SMOKE'
import { createHash } from 'node:crypto';
import { codecInfo, encodeAggregate, hashKeys } from '@shardline/native';

const expected = process.argv[2];
const fail = (message) => {
  console.error(`pack-smoke (${expected}): ${message}`);
  process.exit(1);
};
const info = codecInfo();
if (info.implementation !== expected) fail(`implementation is ${info.implementation}, expected ${expected}`);
if (expected === 'native' && !info.source?.includes(`prebuilds`)) fail(`loaded ${info.source}, not the prebuild`);

const keys = ['abc', 'partition-key-1', '日本'];
const hashes = hashKeys(keys);
keys.forEach((key, i) => {
  const want = createHash('md5').update(key).digest('hex');
  const got = Buffer.from(hashes.subarray(i * 16, i * 16 + 16)).toString('hex');
  if (got !== want) fail(`hash of ${key} is ${got}, expected ${want}`);
});

const record = encodeAggregate([
  { partitionKey: 'a', data: 'x' },
  { partitionKey: 'b', explicitHashKey: '007', data: new Uint8Array([1, 2, 3]) },
  { partitionKey: 'a', data: '' },
]);
const bytes = Buffer.from(record);
if (bytes.subarray(0, 4).toString('hex') !== 'f3899ac2') fail('aggregate does not start with the KPL magic');
const body = bytes.subarray(4, bytes.length - 16);
if (createHash('md5').update(body).digest().compare(bytes.subarray(bytes.length - 16)) !== 0) {
  fail('aggregate MD5 trailer does not match its protobuf');
}
// pk table "a","b"; ehk table "7"; three records; as written by hand from the format.
const wantBody =
  '0a01610a0162120137' + '1a0508001a0178' + '1a0908011000' + '1a03010203' + '1a0408001a00';
if (body.toString('hex') !== wantBody) fail(`protobuf is ${body.toString('hex')}, expected ${wantBody}`);
console.log(`pack-smoke (${expected}): ok, ${info.source ?? 'TypeScript codec'}`);
SMOKE

node smoke.mjs native 2>stderr.txt || { cat stderr.txt >&2; exit 1; }
if grep -q SHARDLINE_NATIVE_FALLBACK stderr.txt; then
  cat stderr.txt >&2
  echo "pack-smoke: the installed package fell back to TypeScript" >&2
  exit 1
fi
SHARDLINE_NATIVE=0 node smoke.mjs typescript
echo "pack-smoke: passed"
