/** A response body already encoded by a hot-path operation (GetRecords, PutRecords in CBOR). */
export class RawBody {
  readonly bytes: Buffer;
  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }
}
