/** One place the loader looked for the addon, and why it could not use it. */
export interface LoadAttempt {
  /** A file path, or a description such as `SHARDLINE_NATIVE_BINDING`. */
  readonly source: string;
  readonly reason: string;
}

/** Which implementation a loaded Codec is and how the loader got there. */
export interface CodecInfo {
  readonly implementation: 'native' | 'typescript';
  /** Absolute path of the loaded shardline_native.node; undefined for the TypeScript codec. */
  readonly source: string | undefined;
  /** Why each native candidate was passed over, in the order tried; empty when nothing failed. */
  readonly fallbackReasons: readonly LoadAttempt[];
  /** True when SHARDLINE_NATIVE=0 chose the TypeScript codec. */
  readonly disabled: boolean;
}
