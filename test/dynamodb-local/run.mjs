#!/usr/bin/env node
// Runs the consumer's lease tests against DynamoDB Local (AWS's own implementation) instead of the embedded
// DynamoDB: conditional writes, fencing, the registry table, throttling retries, worker processes.
// Needs Java 11+ and Maven (Maven Central reachable the first time); not part of `pnpm test` or CI.
// Usage: pnpm run build && pnpm test:dynamodb-local
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

const VERSION = process.env.DYNAMODB_LOCAL_VERSION ?? '2.5.4';
const HOME = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shardline', `dynamodb-local-${VERSION}`);
const TESTS = ['packages/consumer/test', 'test/consumer'];

function fail(message) {
  process.stderr.write(`test:dynamodb-local: ${message}\n`);
  process.exit(2);
}

function have(command) {
  try {
    execFileSync(command, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** DynamoDB Local and its dependencies (sqlite4java with its native libraries), fetched once by Maven. */
function install() {
  const lib = join(HOME, 'lib');
  if (existsSync(join(lib, `DynamoDBLocal-${VERSION}.jar`))) return lib;
  if (!have('mvn')) fail('Maven (mvn) is needed to fetch DynamoDB Local from Maven Central');
  mkdirSync(HOME, { recursive: true });
  writeFileSync(
    join(HOME, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>shardline</groupId><artifactId>dynamodb-local</artifactId><version>1</version>
<dependencies><dependency><groupId>com.amazonaws</groupId><artifactId>DynamoDBLocal</artifactId><version>${VERSION}</version></dependency></dependencies>
</project>\n`,
  );
  execFileSync('mvn', ['-q', 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`], {
    cwd: HOME,
    stdio: 'inherit',
  });
  return lib;
}

/** sqlite4java looks for its library under a name without the version. */
function nativeLibraries(lib) {
  const dir = join(HOME, 'native');
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(lib)) {
    const match = /^(lib)?(sqlite4java-[a-z0-9-]+?)-\d[\d.]*\.(so|dylib|dll)$/.exec(name);
    if (match) copyFileSync(join(lib, name), join(dir, `${match[1] ?? ''}${match[2]}.${match[3]}`));
  }
  return dir;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(port, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) fail(`DynamoDB Local exited with ${child.exitCode}`);
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization:
            'AWS4-HMAC-SHA256 Credential=probe/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: '{}',
      });
      if (answer.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  fail('DynamoDB Local did not answer within 30 s');
}

if (!have('java')) fail('Java 11 or later is needed to run DynamoDB Local');
const lib = install();
const nativeDir = nativeLibraries(lib);
const port = await freePort();
// DynamoDB Local has no option to bind one interface: it listens on all of them, on a port chosen here,
// for as long as the tests run.
const server = spawn(
  'java',
  [
    `-Djava.library.path=${nativeDir}`,
    '-cp',
    join(lib, '*'),
    'com.amazonaws.services.dynamodbv2.local.main.ServerRunner',
    '-inMemory',
    '-disableTelemetry',
    '-port',
    String(port),
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
let code = 1;
try {
  await waitUntilServing(port, server);
  process.stderr.write(`test:dynamodb-local: DynamoDB Local ${VERSION} on port ${port}\n`);
  const vitest = spawn('npx', ['vitest', 'run', ...TESTS], {
    stdio: 'inherit',
    env: { ...process.env, SHARDLINE_TEST_DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}` },
  });
  code = await new Promise((resolve) => vitest.once('exit', (exitCode) => resolve(exitCode ?? 1)));
} finally {
  server.kill('SIGKILL');
}
process.exit(code);
