// A strict reader of SSH wire-format data (RFC 4251 §5): every read checks that the bytes are there, and the caller
// says when the data must end, so that a length that runs past the end or trailing bytes are errors, never guesses.

/** Thrown by WireReader for malformed data; the message says what was expected. */
export class WireError extends Error {}

export class WireReader {
  #offset = 0;

  constructor(private readonly data: Buffer) {}

  /** Bytes read so far. */
  get offset(): number {
    return this.#offset;
  }

  uint32(what: string): number {
    this.#need(4, what);
    const value = this.data.readUInt32BE(this.#offset);
    this.#offset += 4;
    return value;
  }

  uint64(what: string): bigint {
    this.#need(8, what);
    const value = this.data.readBigUInt64BE(this.#offset);
    this.#offset += 8;
    return value;
  }

  byte(what: string): number {
    this.#need(1, what);
    return this.data[this.#offset++]!;
  }

  /** A uint32-length-prefixed string, as bytes (a view into the data, not a copy). */
  string(what: string): Buffer {
    const length = this.uint32(what);
    this.#need(length, what);
    const value = this.data.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return value;
  }

  /** A string that must be printable UTF-8 text without NUL (names, key ids, principals). */
  text(what: string): string {
    const bytes = this.string(what);
    const value = bytes.toString('utf8');
    if (!Buffer.from(value, 'utf8').equals(bytes) || value.includes('\0'))
      throw new WireError(`${what} is not UTF-8 text`);
    return value;
  }

  /** True when every byte has been read. */
  get atEnd(): boolean {
    return this.#offset === this.data.length;
  }

  /** Refuses trailing bytes: the data must end here. */
  end(what: string): void {
    if (!this.atEnd) throw new WireError(`${this.data.length - this.#offset} unexpected bytes after ${what}`);
  }

  #need(bytes: number, what: string): void {
    if (this.#offset + bytes > this.data.length) throw new WireError(`${what} runs past the end of the data`);
  }
}

/** Encodes one SSH string (uint32 length, then the bytes). */
export function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
