// Writes exposition text straight into pooled Buffers: label sets are encoded once per series,
// counts are written digit by digit, so a scrape of tens of MB allocates a few chunks instead of
// millions of strings (whose garbage collection made the longest event-loop pauses).

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 10;

export class ChunkWriter {
  readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;

  /** Bytes written so far (for slicing work between event-loop turns). */
  get length(): number {
    let n = this.pos;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  bytes(src: Uint8Array): void {
    if (this.pos + src.length > this.buf.length) this.nextChunk(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  string(s: string): void {
    const max = s.length * 3; // UTF-8 worst case
    if (this.pos + max > this.buf.length) this.nextChunk(max);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A count or any other number; non-negative integers take the fast path. */
  number(n: number): void {
    if (Number.isSafeInteger(n) && n >= 0) this.uint(n);
    else this.string(Number.isFinite(n) ? String(n) : Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf');
  }

  newline(): void {
    if (this.pos + 1 > this.buf.length) this.nextChunk(1);
    this.buf[this.pos++] = NEWLINE;
  }

  /** The chunks written; the writer is done after this. */
  finish(): Buffer[] {
    if (this.pos > 0) this.chunks.push(this.buf.subarray(0, this.pos));
    this.pos = 0;
    this.buf = Buffer.alloc(0);
    return this.chunks;
  }

  private uint(n: number): void {
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    if (this.pos + digits > this.buf.length) this.nextChunk(digits);
    let at = this.pos + digits - 1;
    let x = n;
    do {
      this.buf[at--] = 48 + (x % 10);
      x = Math.floor(x / 10);
    } while (x > 0);
    this.pos += digits;
  }

  private nextChunk(need: number): void {
    if (this.pos > 0) this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, need));
    this.pos = 0;
  }
}
