#!/usr/bin/env node
// Runs test/java-interop against the real Java KCL 2.x and the real KPL: fetches each with its dependencies
// once through Maven (separate class paths: they depend on different AWS SDK versions), compiles the small
// Java programs beside this file, and runs the vitest project `java-interop`. Needs a JDK (javac, 11+) and
// Maven (Maven Central reachable the first time); not part of `pnpm test` or CI.
// Usage: pnpm run build && pnpm test:java-interop
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shardline');
const SIDES = [
  {
    env: 'SHARDLINE_KCL_CLASSPATH',
    main: 'KclInterop',
    group: 'software.amazon.kinesis',
    artifact: 'amazon-kinesis-client',
    version: process.env.KCL_VERSION ?? '2.7.2',
  },
  {
    env: 'SHARDLINE_KPL_CLASSPATH',
    main: 'KplInterop',
    group: 'com.amazonaws',
    artifact: 'amazon-kinesis-producer',
    version: process.env.KPL_VERSION ?? '0.15.12',
  },
];

function fail(message) {
  process.stderr.write(`test:java-interop: ${message}\n`);
  process.exit(2);
}

function have(command, flag) {
  try {
    execFileSync(command, [flag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The library with its dependencies and a simple slf4j binding, fetched once by Maven. */
function install(side, home) {
  const lib = join(home, 'lib');
  if (existsSync(join(lib, `${side.artifact}-${side.version}.jar`))) return lib;
  if (!have('mvn', '-v')) fail(`Maven (mvn) is needed to fetch ${side.artifact} from Maven Central`);
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>shardline</groupId><artifactId>${side.artifact}-interop</artifactId><version>1</version>
<dependencies>
<dependency><groupId>${side.group}</groupId><artifactId>${side.artifact}</artifactId><version>${side.version}</version></dependency>
<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>2.0.13</version></dependency>
</dependencies>
</project>\n`,
  );
  execFileSync('mvn', ['-q', 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`], {
    cwd: home,
    stdio: 'inherit',
  });
  return lib;
}

/** Compiles the program when its source is newer than its class. */
function compile(side, home, lib) {
  const source = fileURLToPath(new URL(`./${side.main}.java`, import.meta.url));
  const classes = join(home, 'classes');
  const built = join(classes, `${side.main}.class`);
  if (existsSync(built) && statSync(built).mtimeMs >= statSync(source).mtimeMs) return classes;
  mkdirSync(classes, { recursive: true });
  execFileSync('javac', ['-cp', join(lib, '*'), '-d', classes, source], { stdio: 'inherit' });
  return classes;
}

if (!have('javac', '-version')) fail('a JDK (javac, 11 or later) is needed to build the Java side');
const env = { ...process.env, SHARDLINE_JAVA_INTEROP: '1' };
for (const side of SIDES) {
  const home = join(CACHE, `${side.artifact}-${side.version}`);
  const lib = install(side, home);
  env[side.env] = [compile(side, home, lib), join(lib, '*')].join(delimiter);
}
const vitest = spawn('npx', ['vitest', 'run', '--project', 'java-interop'], { stdio: 'inherit', env });
process.exit(await new Promise((resolve) => vitest.once('exit', (code) => resolve(code ?? 1))));
