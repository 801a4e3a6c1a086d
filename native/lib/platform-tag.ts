/**
 * The prebuild folder name for this process: `<platform>-<arch>`, plus `-musl` on Linux without glibc
 * (Alpine), whose binaries are not interchangeable with glibc ones. scripts/install.mjs uses the same rule.
 */
export function platformTag(): string {
  return `${process.platform}-${process.arch}${isMusl() ? '-musl' : ''}`;
}

function isMusl(): boolean {
  if (process.platform !== 'linux' || process.report === undefined) return false;
  const report = process.report as typeof process.report & { excludeNetwork?: boolean };
  // A report lists libuv handles, and resolving their peer addresses can be slow; only the header is needed.
  const excluded = report.excludeNetwork;
  report.excludeNetwork = true;
  try {
    const header = (report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
    return header?.glibcVersionRuntime === undefined;
  } finally {
    if (excluded !== undefined) report.excludeNetwork = excluded;
  }
}
