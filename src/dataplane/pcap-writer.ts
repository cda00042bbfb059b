// Writes classic pcap (little-endian, microsecond timestamps, Ethernet): the format every tool
// reads. Records are appended into one growing buffer, or into one fixed-size buffer that is
// handed to a sink each time it fills, so a long replay streams to a file in constant memory.
//
// Two ways to add a record: writeRecord() copies a frame in; reserve() + commit() let a producer
// (the VXLAN encapsulator) write the frame straight into the output buffer, with no intermediate
// copy.
//
// The writer reuses its memory rather than allocating afresh: the first write to a new large
// buffer page-faults, which costs about three times the copy itself (measured: ~460 ns against
// ~130 ns for a 320-byte record). Hence a sink must be done with a chunk when it returns (write it
// with fs.writeSync, or copy it), and a caller may hand in warm storage through `buffer`.

import { ByteCopier } from './byte-copy.js';
import { writeU16LE, writeU32LE } from './byte-order.js';
import { LINKTYPE_ETHERNET, PCAP_FILE_HEADER_LENGTH, PCAP_MAGIC_MICROSECONDS, PCAP_RECORD_HEADER_LENGTH } from './capture-reader.js';

export const DEFAULT_SNAP_LENGTH = 262144; // libpcap's default for Ethernet

export interface PcapWriterOptions {
  snapLength?: number;
  linkType?: number;
  /** Initial buffer size, or the chunk size when a sink is given (default 1 MiB). */
  bufferSize?: number;
  /** Storage to write into from its start, instead of a new buffer; grown (replaced) if too small. */
  buffer?: Uint8Array;
  /**
   * Receives the written bytes each time the buffer fills and on flush(). The chunk is a view of
   * the writer's buffer, overwritten after the sink returns: consume or copy it synchronously.
   */
  sink?: (chunk: Uint8Array) => void;
}

export class PcapWriter {
  /** The current output buffer; reserve() may replace it. */
  buffer: Uint8Array;
  /** Bytes of `buffer` written so far. */
  length = 0;
  recordsWritten = 0;
  readonly snapLength: number;
  private readonly sink: ((chunk: Uint8Array) => void) | undefined;
  private readonly copier = new ByteCopier();
  private reserved = -1;
  private reservedLength = 0;

  constructor(options: PcapWriterOptions = {}) {
    this.snapLength = options.snapLength ?? DEFAULT_SNAP_LENGTH;
    this.sink = options.sink;
    this.buffer = options.buffer ?? new Uint8Array(Math.max(options.bufferSize ?? 1 << 20, 64));
    if (this.buffer.length < PCAP_FILE_HEADER_LENGTH) throw new RangeError('pcap writer buffer shorter than the file header');
    const b = this.buffer;
    writeU32LE(b, 0, PCAP_MAGIC_MICROSECONDS);
    writeU16LE(b, 4, 2);
    writeU16LE(b, 6, 4);
    // thiszone and sigfigs stay 0, as the format now requires.
    writeU32LE(b, 16, this.snapLength);
    writeU32LE(b, 20, options.linkType ?? LINKTYPE_ETHERNET);
    this.length = PCAP_FILE_HEADER_LENGTH;
  }

  /** Appends a record holding `bytes[offset, offset + length)`, cut to the snap length. */
  writeRecord(seconds: number, microseconds: number, bytes: Uint8Array, offset: number, length: number, originalLength = length): void {
    const captured = Math.min(length, this.snapLength);
    const at = this.reserve(captured);
    this.copier.copy(bytes, offset, this.buffer, at, captured);
    this.commit(seconds, microseconds, captured, originalLength);
  }

  /**
   * Makes room for a record of up to `maxLength` bytes and returns the offset in `buffer` where
   * its frame goes. Read `buffer` after calling: it may be a new one.
   */
  reserve(maxLength: number): number {
    const needed = PCAP_RECORD_HEADER_LENGTH + maxLength;
    if (this.length + needed > this.buffer.length) this.makeRoom(needed);
    this.reserved = this.length + PCAP_RECORD_HEADER_LENGTH;
    this.reservedLength = maxLength;
    return this.reserved;
  }

  /** Completes the reserved record with `capturedLength` bytes written at the reserved offset. */
  commit(seconds: number, microseconds: number, capturedLength: number, originalLength = capturedLength): void {
    if (this.reserved < 0) throw new Error('commit() without reserve()');
    if (capturedLength > this.reservedLength) throw new RangeError(`commit() of ${capturedLength} bytes after reserving ${this.reservedLength}`);
    const b = this.buffer;
    const at = this.length;
    writeU32LE(b, at, seconds);
    writeU32LE(b, at + 4, microseconds);
    writeU32LE(b, at + 8, capturedLength);
    writeU32LE(b, at + 12, Math.max(originalLength, capturedLength));
    this.length = at + PCAP_RECORD_HEADER_LENGTH + capturedLength;
    this.reserved = -1;
    this.recordsWritten++;
  }

  /** Hands what is written to the sink, then reuses the buffer (no-op without a sink). */
  flush(): void {
    if (this.sink === undefined || this.length === 0) return;
    if (this.reserved >= 0) throw new Error('flush() between reserve() and commit()');
    const length = this.length;
    this.length = 0;
    this.sink(this.buffer.subarray(0, length));
  }

  /** The capture written so far (without a sink: the whole file). A view, not a copy. */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private makeRoom(needed: number): void {
    if (this.sink !== undefined) {
      this.reserved = -1; // reserve() is calling: nothing is pending yet
      this.flush();
      if (needed > this.buffer.length) this.buffer = new Uint8Array(needed);
      return;
    }
    let size = this.buffer.length * 2;
    while (size < this.length + needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

