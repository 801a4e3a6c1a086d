/** A timestamp in a response: epoch seconds in JSON, tag 1 over epoch ms in CBOR. */
export class EpochMs {
  readonly ms: number;
  constructor(ms: number) {
    this.ms = ms;
  }
  toJSON(): number {
    return this.ms / 1000;
  }
}
