/** A response body already serialised as JSON by a hot-path operation (PutRecords, GetRecords). */
export class RawJson {
  readonly json: string;
  constructor(json: string) {
    this.json = json;
  }
}
