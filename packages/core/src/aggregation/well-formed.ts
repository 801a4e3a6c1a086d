interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * The string whose UTF-16 matches what UTF-8 encoding will actually write: lone surrogates become
 * U+FFFD, so two keys that differ only there are the same key on the wire.
 */
export function wellFormed(value: string): string {
  const s = value as unknown as WellFormedString;
  return s.isWellFormed() ? value : s.toWellFormed();
}
