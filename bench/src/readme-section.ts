import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

/**
 * Replaces one bench's `## Heading` section of bench/README.md (or appends it), leaving the sections
 * other benches wrote untouched, so each bench can be re-run alone.
 */
export function writeReadmeSection(heading: string, body: string): void {
  const section = `${heading}\n\n${body}\n`;
  const current = existsSync(README) ? readFileSync(README, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(`${heading}\n`);
  if (start < 0) {
    writeFileSync(README, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = current.indexOf('\n## ', start + heading.length);
  writeFileSync(README, `${current.slice(0, start)}${section}${next < 0 ? '' : `\n${current.slice(next + 1)}`}`);
}
