import { CliUsageError } from './cli-usage-error.js';

/** A subcommand: parses its own arguments and resolves to the process exit code. */
type Command = (argv: readonly string[]) => Promise<number>;

// Loaded on demand so `shardline broker` never pays for the producer or consumer code.
const COMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<Command> }>> = Object.freeze({
  broker: {
    summary: 'run the reference Kinesis broker',
    load: async () => (await import('./commands/broker.js')).brokerCommand,
  },
  consume: {
    summary: 'run a consumer worker that leases shards of a stream',
    load: async () => (await import('./commands/consume.js')).consumeCommand,
  },
  bench: {
    summary: 'end-to-end, loss-checked throughput benchmark',
    load: async () => (await import('./commands/bench.js')).benchCommand,
  },
});

export function usage(): string {
  const lines = ['usage: shardline <command> [options]', '', 'commands:'];
  for (const [name, { summary }] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)}${summary}`);
  lines.push('', 'Run `shardline <command> --help` for its options.');
  return lines.join('\n');
}

/** Runs the CLI; bad usage prints a message (never a stack trace) and returns exit code 2. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    process.stderr.write(`shardline: unknown command ${JSON.stringify(name)}\n\n${usage()}\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command(rest);
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`shardline ${name}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
