/** The implementation the shared suite must see: vitest's codec-typescript project sets SHARDLINE_NATIVE=0. */
export function expectedImplementation(): 'native' | 'typescript' {
  return process.env.SHARDLINE_NATIVE === '0' ? 'typescript' : 'native';
}
