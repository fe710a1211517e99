// A strict reader of SSH wire data (RFC 4251 §5) for the revocation code: every read checks the bytes are there,
// and a failure is a thrown WireError with a message; the callers turn it into one error line naming the file.

/** Malformed wire data; `message` says what was expected and where. */
export class WireError extends Error {}

// OpenSSH's SSHBUF_MAX_BIGNUM: mpints of more than 2048 bytes (one more for a leading zero) are refused.
const MAX_MPINT_BYTES = 16384 / 8;

/** Reads uint8/uint32/uint64/string/mpint fields from a buffer, front to back. */
export class WireReader {
  private offset = 0;

  /**
   * `what` names the data in error messages ("the KRL header", "section 2 (explicit keys)"); `base` is where `data`
   * starts in the whole file, so that messages give file offsets.
   */
  constructor(
    private readonly data: Buffer,
    private readonly what: string,
    private readonly base = 0,
  ) {}

  /** Bytes not yet read. */
  get remaining(): number {
    return this.data.length - this.offset;
  }

  /** Whether everything has been read. */
  get done(): boolean {
    return this.remaining === 0;
  }

  u8(field: string): number {
    return this.take(1, field)[0]!;
  }

  u32(field: string): number {
    return this.take(4, field).readUInt32BE(0);
  }

  u64(field: string): bigint {
    return this.take(8, field).readBigUInt64BE(0);
  }

  /** A length-prefixed string, as raw bytes (a view into the data, not a copy). */
  string(field: string): Buffer {
    const length = this.u32(`the length of ${field}`);
    if (length > this.remaining) this.fail(`${field} claims ${length} bytes but only ${this.remaining} remain`);
    return this.take(length, field);
  }

  /** A string whose contents are read by a reader of their own (a KRL section, a subsection). */
  sub(field: string, what: string): WireReader {
    const bytes = this.string(field);
    return new WireReader(bytes, what, this.base + this.offset - bytes.length);
  }

  /** A string that is text: as OpenSSH's sshbuf_get_cstring, a NUL is allowed only as its last byte (and dropped). */
  cstring(field: string): string {
    const bytes = this.string(field);
    const nul = bytes.indexOf(0);
    if (nul >= 0 && nul < bytes.length - 1) this.fail(`${field} contains a NUL byte`);
    return bytes.subarray(0, nul >= 0 ? nul : bytes.length).toString('utf8');
  }

  /** A non-negative mpint, as its magnitude with leading zero bytes removed (OpenSSH's bignum2_bytes_direct). */
  mpint(field: string): Buffer {
    const bytes = this.string(field);
    if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) this.fail(`${field} is negative`);
    if (bytes.length > MAX_MPINT_BYTES + 1 || (bytes.length === MAX_MPINT_BYTES + 1 && bytes[0] !== 0))
      this.fail(`${field} is longer than ${MAX_MPINT_BYTES} bytes`);
    const start = bytes.findIndex((byte) => byte !== 0);
    return start < 0 ? bytes.subarray(bytes.length) : bytes.subarray(start);
  }

  /** Throws unless everything was read: `what` has no room for trailing bytes. */
  end(): void {
    if (!this.done) this.fail(`${this.remaining} unexpected trailing bytes`);
  }

  /** Throws a WireError naming the data and the offset. */
  fail(message: string): never {
    throw new WireError(`${this.what}: ${message} (at byte ${this.base + this.offset})`);
  }

  private take(length: number, field: string): Buffer {
    if (length > this.remaining) this.fail(`${field} is cut short`);
    const bytes = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }
}
