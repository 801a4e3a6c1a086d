#!/usr/bin/env node
// Runs test/kcl-interop against the real Java KCL 2.x: fetches the KCL and its dependencies once with
// Maven, compiles KclInterop.java, and runs the vitest project `kcl-interop`. Needs a JDK (javac) and
// Maven (Maven Central reachable the first time); not part of `pnpm test` or CI.
// Usage: pnpm run build && pnpm test:kcl-interop
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = process.env.KCL_VERSION ?? '2.7.2';
const HOME = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shardline', `kcl-${VERSION}`);
const SOURCE = fileURLToPath(new URL('./KclInterop.java', import.meta.url));

function fail(message) {
  process.stderr.write(`test:kcl-interop: ${message}\n`);
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

/** The KCL with its dependencies (AWS SDK v2, Netty) and a simple slf4j binding, fetched once by Maven. */
function install() {
  const lib = join(HOME, 'lib');
  if (existsSync(join(lib, `amazon-kinesis-client-${VERSION}.jar`))) return lib;
  if (!have('mvn', '-v')) fail('Maven (mvn) is needed to fetch the KCL from Maven Central');
  mkdirSync(HOME, { recursive: true });
  writeFileSync(
    join(HOME, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>shardline</groupId><artifactId>kcl-interop</artifactId><version>1</version>
<dependencies>
<dependency><groupId>software.amazon.kinesis</groupId><artifactId>amazon-kinesis-client</artifactId><version>${VERSION}</version></dependency>
<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>2.0.13</version></dependency>
</dependencies>
</project>\n`,
  );
  execFileSync('mvn', ['-q', 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`], {
    cwd: HOME,
    stdio: 'inherit',
  });
  return lib;
}

/** Compiles the Java side when its source is newer than the class. */
function compile(lib) {
  const classes = join(HOME, 'classes');
  const built = join(classes, 'KclInterop.class');
  if (existsSync(built) && statSync(built).mtimeMs >= statSync(SOURCE).mtimeMs) return classes;
  mkdirSync(classes, { recursive: true });
  execFileSync('javac', ['-cp', join(lib, '*'), '-d', classes, SOURCE], { stdio: 'inherit' });
  return classes;
}

if (!have('javac', '-version')) fail('a JDK (javac, 11 or later) is needed to build the Java side');
const lib = install();
const classes = compile(lib);
const vitest = spawn('npx', ['vitest', 'run', '--project', 'kcl-interop'], {
  stdio: 'inherit',
  env: { ...process.env, SHARDLINE_KCL_CLASSPATH: [classes, join(lib, '*')].join(delimiter) },
});
process.exit(await new Promise((resolve) => vitest.once('exit', (code) => resolve(code ?? 1))));
