// A streaming reader of packet captures: classic pcap (both byte orders, microsecond and
// nanosecond magic) and pcapng (section header, interface description, enhanced, simple and
// obsolete packet blocks, both byte orders, per-interface link type and timestamp resolution).
//
// Input arrives in chunks of any size (a file read, a socket); a block may straddle any number of
// chunks. The reader parses blocks in place inside a chunk and copies only the bytes of a block cut
// by a chunk boundary, into one reusable carry buffer. Each record is exposed in `record`, a
// reused object pointing into the chunk or the carry buffer: it stays valid until the next call
// to next(), and the caller must not overwrite a chunk it pushed before next() returns false.
//
// Garbage never throws: the reader enters the 'error' state with one of CAPTURE_ERRORS and the
// byte offset where it stopped. Records it cannot use (not Ethernet, unknown interface, a packet
// block inconsistent with its own length) are skipped and counted by SKIP_REASONS.
//
//   Classic pcap file header (24 bytes)           Record header (16 bytes), then the frame
//   +---------------------------------------+     +---------------------------------------+
//   | magic 0xa1b2c3d4 (us) / 0xa1b23c4d (ns)|     | timestamp seconds                     |
//   | version major (2)  | version minor (4)|     | timestamp microseconds / nanoseconds  |
//   | reserved (thiszone)                   |     | captured length                       |
//   | reserved (sigfigs)                    |     | original length                       |
//   | snap length                           |     +---------------------------------------+
//   | FCS bits | link type (low 16 bits)    |
//   +---------------------------------------+
//
//   pcapng block (every block type)
//    0                   1                   2                   3
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                          Block Type                           |
//   |                      Block Total Length                       |
//   /                          Block Body (padded to 32 bits)       /
//   |                      Block Total Length                       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import { readU16BE, readU16LE, readU32BE, readU32LE } from './byte-order.js';

export const LINKTYPE_ETHERNET = 1;
export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;
export const PCAP_FILE_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;
export const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const PCAPNG_INTERFACE_DESCRIPTION = 0x00000001;
export const PCAPNG_PACKET = 0x00000002; // obsolete, still written by old tools
export const PCAPNG_SIMPLE_PACKET = 0x00000003;
export const PCAPNG_ENHANCED_PACKET = 0x00000006;

/** The largest record or block the reader accepts: far above any frame, well below memory trouble. */
export const MAX_BLOCK_LENGTH = 16 * 1024 * 1024;

export const CAPTURE_ERRORS = ['bad-magic', 'unsupported-version', 'bad-block-length', 'bad-record-length', 'bad-section-header', 'truncated-capture'] as const;
export type CaptureError = (typeof CAPTURE_ERRORS)[number];

export const SKIP_REASONS = ['unsupported-link-type', 'unknown-interface', 'malformed-packet-block'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type CaptureFormat = 'unknown' | 'pcap' | 'pcapng';
export type CaptureReaderState = 'reading' | 'done' | 'error';

/** One packet. Reused by the reader: read it before calling next() again. */
export class CaptureRecord {
  /** The bytes holding the frame at [offset, offset + capturedLength). */
  buffer: Uint8Array = new Uint8Array(0);
  offset = 0;
  capturedLength = 0;
  originalLength = 0;
  /** Seconds since 1970 (UTC), with the pcapng interface's time offset applied. */
  seconds = 0;
  /** Nanoseconds within the second, whatever the capture's resolution. */
  nanoseconds = 0;
  /** Units per second of the source timestamps (1e6, 1e9, or a pcapng if_tsresol value). */
  resolution = 1_000_000;
  /** pcapng interface ID; 0 for classic pcap. */
  interfaceId = 0;
  linkType = LINKTYPE_ETHERNET;

  get microseconds(): number {
    return Math.floor(this.nanoseconds / 1000);
  }

  /** A view of the frame (allocates a view; the hot path uses buffer and offset instead). */
  bytes(): Uint8Array {
    return this.buffer.subarray(this.offset, this.offset + this.capturedLength);
  }
}

const PCAPNG_MIN_BLOCK_LENGTH = 12;
const OPTION_END = 0;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;

export class CaptureReader {
  format: CaptureFormat = 'unknown';
  state: CaptureReaderState = 'reading';
  error: CaptureError | null = null;
  /** Human-readable detail of the error. */
  errorMessage = '';
  /** Stream offset of the block where the error was found. */
  errorOffset = -1;
  readonly record = new CaptureRecord();
  recordsRead = 0;
  /** Blocks of types the reader has no use for (statistics, name resolution, custom...). */
  blocksIgnored = 0;
  readonly skipped: Record<SkipReason, number> = { 'unsupported-link-type': 0, 'unknown-interface': 0, 'malformed-packet-block': 0 };
  /** The link types of the records skipped as 'unsupported-link-type', so a summary can name them. */
  readonly skippedLinkTypes = new Set<number>();

  private readonly queue: Uint8Array[] = [];
  private chunk: Uint8Array | null = null;
  private position = 0;
  private ended = false;
  /** Bytes consumed before the current chunk: for error offsets. */
  private streamOffset = 0;

  private carry = new Uint8Array(2048);
  private carryLength = 0;
  /** Total length of the block in the carry buffer; -1 until its header is complete. */
  private carryTotal = -1;

  private littleEndian = true;
  // Classic pcap.
  private fileHeaderRead = false;
  private nanosecondMagic = false;
  private linkType = LINKTYPE_ETHERNET;
  // pcapng: the interfaces of the current section.
  private interfaceLinkType: number[] = [];
  private interfaceSnapLength: number[] = [];
  private interfaceUnits: number[] = [];
  private interfaceOffsetSeconds: number[] = [];

  /** Adds input. The reader keeps a reference to `chunk` until it has parsed past it. */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('push() after end()');
    if (chunk.length > 0) this.queue.push(chunk);
  }

  /** Bytes of the stream taken in so far: through the last record returned, and any block begun after it. */
  get bytesParsed(): number {
    return this.streamOffset + this.position;
  }

  /** No more input: a block left incomplete is then a 'truncated-capture' error. */
  end(): void {
    this.ended = true;
  }

  /**
   * Advances to the next record. Returns true when `record` holds one; false when more input is
   * needed (state 'reading'), the capture is complete (state 'done'), or it is broken ('error').
   */
  next(): boolean {
    if (this.state !== 'reading') return false;
    for (;;) {
      if (this.carryLength > 0) {
        if (!this.fillCarry()) return this.starved();
        const total = this.carryTotal;
        this.carryLength = 0;
        this.carryTotal = -1;
        if (this.parseBlock(this.carry, 0, total, this.streamOffset + this.position - total)) return true;
        if (this.state !== 'reading') return false;
        continue;
      }
      const chunk = this.chunk;
      if (chunk === null || this.position === chunk.length) {
        if (!this.nextChunk()) return this.starved();
        continue;
      }
      const available = chunk.length - this.position;
      const headerLength = this.headerLength();
      if (available >= headerLength) {
        const total = this.blockLength(chunk, this.position);
        if (total < 0) return false;
        if (available >= total) {
          const start = this.position;
          this.position += total;
          if (this.parseBlock(chunk, start, total, this.streamOffset + start)) return true;
          if (this.state !== 'reading') return false;
          continue;
        }
        this.carryTotal = total;
      }
      // The block continues in later chunks: keep what this chunk has of it.
      this.ensureCarry(Math.max(available, this.carryTotal));
      this.carry.set(chunk.subarray(this.position), 0);
      this.carryLength = available;
      this.position = chunk.length;
    }
  }

  private nextChunk(): boolean {
    const next = this.queue.shift();
    if (next === undefined) return false;
    if (this.chunk !== null) this.streamOffset += this.chunk.length;
    this.chunk = next;
    this.position = 0;
    return true;
  }

  /** Moves bytes from the input into the carry buffer until its block is whole. */
  private fillCarry(): boolean {
    for (;;) {
      const wanted = this.carryTotal >= 0 ? this.carryTotal : this.headerLength();
      if (this.carryLength >= wanted) {
        if (this.carryTotal >= 0) return true;
        const total = this.blockLength(this.carry, 0);
        if (total < 0) return false;
        this.carryTotal = total;
        this.ensureCarry(total);
        continue;
      }
      const chunk = this.chunk;
      if (chunk === null || this.position === chunk.length) {
        if (!this.nextChunk()) return false;
        continue;
      }
      const take = Math.min(wanted - this.carryLength, chunk.length - this.position);
      this.carry.set(chunk.subarray(this.position, this.position + take), this.carryLength);
      this.carryLength += take;
      this.position += take;
    }
  }

  private ensureCarry(length: number): void {
    if (length <= this.carry.length) return;
    const grown = new Uint8Array(Math.max(length, 2 * this.carry.length));
    grown.set(this.carry.subarray(0, this.carryLength));
    this.carry = grown;
  }

  /** Out of input: wait for more, or finish. */
  private starved(): false {
    if (this.state !== 'reading' || !this.ended) return false;
    if (this.carryLength > 0) {
      this.fail('truncated-capture', `the capture ends inside a block (${this.carryLength} bytes of ${this.carryTotal >= 0 ? this.carryTotal : 'a header'})`, this.streamOffset + this.position - this.carryLength);
    } else if (this.format === 'unknown' || (this.format === 'pcap' && !this.fileHeaderRead)) {
      this.fail('truncated-capture', 'the capture has no file header', 0);
    } else {
      this.state = 'done';
    }
    return false;
  }

  private fail(error: CaptureError, message: string, offset: number): void {
    this.state = 'error';
    this.error = error;
    this.errorMessage = message;
    this.errorOffset = offset;
  }

  /** Bytes needed to know a block's total length. */
  private headerLength(): number {
    if (this.format === 'pcap') return this.fileHeaderRead ? PCAP_RECORD_HEADER_LENGTH : PCAP_FILE_HEADER_LENGTH;
    return PCAPNG_MIN_BLOCK_LENGTH; // also enough to tell the formats apart
  }

  /** The total length of the block at `at`, or -1 after entering the error state. */
  private blockLength(b: Uint8Array, at: number): number {
    const where = this.streamOffsetOf(b, at);
    if (this.format === 'unknown') {
      const magic = readU32(b, at, false);
      if (magic === PCAPNG_SECTION_HEADER) {
        this.format = 'pcapng';
      } else if (magic === PCAP_MAGIC_MICROSECONDS || magic === PCAP_MAGIC_NANOSECONDS) {
        this.format = 'pcap';
        this.littleEndian = false;
      } else if (readU32(b, at, true) === PCAP_MAGIC_MICROSECONDS || readU32(b, at, true) === PCAP_MAGIC_NANOSECONDS) {
        this.format = 'pcap';
        this.littleEndian = true;
      } else {
        this.fail('bad-magic', `not a pcap or pcapng capture (first bytes ${hex(b, at, 4)})`, where);
        return -1;
      }
      if (this.format === 'pcap') return PCAP_FILE_HEADER_LENGTH;
    }
    if (this.format === 'pcap') {
      if (!this.fileHeaderRead) return PCAP_FILE_HEADER_LENGTH;
      const captured = readU32(b, at + 8, this.littleEndian);
      if (captured > MAX_BLOCK_LENGTH) {
        this.fail('bad-record-length', `record captured length ${captured} exceeds ${MAX_BLOCK_LENGTH}`, where);
        return -1;
      }
      return PCAP_RECORD_HEADER_LENGTH + captured;
    }
    if (readU32(b, at, false) === PCAPNG_SECTION_HEADER) {
      // A new section may switch byte order: its byte-order magic says which.
      const bom = readU32(b, at + 8, true);
      if (bom === PCAPNG_BYTE_ORDER_MAGIC) this.littleEndian = true;
      else if (readU32(b, at + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) this.littleEndian = false;
      else {
        this.fail('bad-section-header', `bad byte-order magic ${hex(b, at + 8, 4)}`, where);
        return -1;
      }
    }
    const total = readU32(b, at + 4, this.littleEndian);
    if (total < PCAPNG_MIN_BLOCK_LENGTH || total % 4 !== 0 || total > MAX_BLOCK_LENGTH) {
      this.fail('bad-block-length', `block length ${total} (type 0x${readU32(b, at, this.littleEndian).toString(16)})`, where);
      return -1;
    }
    return total;
  }

  private streamOffsetOf(b: Uint8Array, at: number): number {
    return b === this.carry ? this.streamOffset + this.position - this.carryLength : this.streamOffset + at;
  }

  /** Interprets a whole block; true when it produced a record. */
  private parseBlock(b: Uint8Array, at: number, total: number, where: number): boolean {
    if (this.format === 'pcap') return this.parsePcapBlock(b, at, total, where);
    return this.parsePcapngBlock(b, at, total, where);
  }

  private parsePcapBlock(b: Uint8Array, at: number, total: number, where: number): boolean {
    const le = this.littleEndian;
    if (!this.fileHeaderRead) {
      const major = readU16(b, at + 4, le);
      const minor = readU16(b, at + 6, le);
      if (major !== 2) {
        this.fail('unsupported-version', `pcap version ${major}.${minor}`, where);
        return false;
      }
      this.nanosecondMagic = readU32(b, at, le) === PCAP_MAGIC_NANOSECONDS;
      this.linkType = readU32(b, at + 20, le) & 0xffff;
      this.fileHeaderRead = true;
      return false;
    }
    const r = this.record;
    const fraction = readU32(b, at + 4, le);
    r.buffer = b;
    r.offset = at + PCAP_RECORD_HEADER_LENGTH;
    r.capturedLength = total - PCAP_RECORD_HEADER_LENGTH;
    r.originalLength = readU32(b, at + 12, le);
    r.seconds = readU32(b, at, le);
    r.nanoseconds = this.nanosecondMagic ? fraction : fraction * 1000;
    r.resolution = this.nanosecondMagic ? 1_000_000_000 : 1_000_000;
    r.interfaceId = 0;
    r.linkType = this.linkType;
    if (this.linkType !== LINKTYPE_ETHERNET) return this.skipLinkType(this.linkType);
    this.recordsRead++;
    return true;
  }

  private parsePcapngBlock(b: Uint8Array, at: number, total: number, where: number): boolean {
    const le = this.littleEndian;
    const type = readU32(b, at, le);
    if (readU32(b, at + total - 4, le) !== total) {
      this.fail('bad-block-length', `trailing block length ${readU32(b, at + total - 4, le)} differs from ${total}`, where);
      return false;
    }
    const end = at + total - 4; // start of the trailing length
    switch (type) {
      case PCAPNG_SECTION_HEADER: {
        if (total < 28) {
          this.fail('bad-section-header', `section header of ${total} bytes`, where);
          return false;
        }
        const major = readU16(b, at + 12, le);
        if (major !== 1) {
          this.fail('unsupported-version', `pcapng version ${major}.${readU16(b, at + 14, le)}`, where);
          return false;
        }
        this.interfaceLinkType = [];
        this.interfaceSnapLength = [];
        this.interfaceUnits = [];
        this.interfaceOffsetSeconds = [];
        return false;
      }
      case PCAPNG_INTERFACE_DESCRIPTION: {
        if (total < 20) {
          this.fail('bad-block-length', `interface description of ${total} bytes`, where);
          return false;
        }
        let units = 1_000_000;
        let offsetSeconds = 0;
        // Options: code (16), length (16), value padded to 32 bits; opt_endofopt ends them.
        for (let p = at + 16; p + 4 <= end; ) {
          const code = readU16(b, p, le);
          const length = readU16(b, p + 2, le);
          if (code === OPTION_END || p + 4 + length > end) break;
          if (code === OPTION_IF_TSRESOL && length >= 1) {
            const value = b[p + 4]!;
            units = value & 0x80 ? 2 ** (value & 0x7f) : 10 ** value;
          } else if (code === OPTION_IF_TSOFFSET && length >= 8) {
            offsetSeconds = readI64(b, p + 4, le);
          }
          p += 4 + ((length + 3) & ~3);
        }
        this.interfaceLinkType.push(readU16(b, at + 8, le));
        this.interfaceSnapLength.push(readU32(b, at + 12, le));
        this.interfaceUnits.push(units);
        this.interfaceOffsetSeconds.push(offsetSeconds);
        return false;
      }
      case PCAPNG_ENHANCED_PACKET:
      case PCAPNG_PACKET: {
        // EPB: interface (32), timestamp high, low, captured, original, data.
        // PB:  interface (16), drops (16), timestamp high, low, captured, original, data.
        if (total < 32) return this.skip('malformed-packet-block');
        const interfaceId = type === PCAPNG_ENHANCED_PACKET ? readU32(b, at + 8, le) : readU16(b, at + 8, le);
        const captured = readU32(b, at + 20, le);
        if (at + 28 + captured > end) return this.skip('malformed-packet-block');
        if (interfaceId >= this.interfaceLinkType.length) return this.skip('unknown-interface');
        return this.packet(b, at + 28, captured, readU32(b, at + 24, le), interfaceId, readU32(b, at + 12, le), readU32(b, at + 16, le));
      }
      case PCAPNG_SIMPLE_PACKET: {
        // SPB: original length, data; captured = min(original, snap length, what the block holds).
        if (total < 16) return this.skip('malformed-packet-block');
        if (this.interfaceLinkType.length === 0) return this.skip('unknown-interface');
        const original = readU32(b, at + 8, le);
        const snapLength = this.interfaceSnapLength[0]!;
        let captured = Math.min(original, end - (at + 12));
        if (snapLength > 0) captured = Math.min(captured, snapLength);
        return this.packet(b, at + 12, captured, original, 0, 0, 0);
      }
      default:
        this.blocksIgnored++;
        return false;
    }
  }

  private skip(reason: SkipReason): false {
    this.skipped[reason]++;
    return false;
  }

  private skipLinkType(linkType: number): false {
    this.skippedLinkTypes.add(linkType);
    return this.skip('unsupported-link-type');
  }

  private packet(b: Uint8Array, data: number, captured: number, original: number, interfaceId: number, high: number, low: number): boolean {
    const linkType = this.interfaceLinkType[interfaceId]!;
    if (linkType !== LINKTYPE_ETHERNET) return this.skipLinkType(linkType);
    const r = this.record;
    r.buffer = b;
    r.offset = data;
    r.capturedLength = captured;
    r.originalLength = original;
    r.interfaceId = interfaceId;
    r.linkType = linkType;
    const units = this.interfaceUnits[interfaceId]!;
    r.resolution = units;
    splitTimestamp(high, low, units, r);
    r.seconds += this.interfaceOffsetSeconds[interfaceId]!;
    this.recordsRead++;
    return true;
  }
}

/**
 * Sets record.seconds and .nanoseconds from a 64-bit count of `units` per second. Long division
 * in 16-bit digits keeps every step exact in a double (the remainder is below 2^32, so a partial
 * dividend stays below 2^48) without allocating a BigInt for every packet.
 */
function splitTimestamp(high: number, low: number, units: number, record: CaptureRecord): void {
  if (units > 0xffffffff || !Number.isInteger(units)) {
    const value = (BigInt(high) << 32n) | BigInt(low);
    const big = BigInt(units);
    record.seconds = Number(value / big);
    record.nanoseconds = Number(((value % big) * 1_000_000_000n) / big);
    return;
  }
  let remainder = 0;
  let quotient = 0;
  const digits = [high >>> 16, high & 0xffff, low >>> 16, low & 0xffff] as const;
  for (let i = 0; i < 4; i++) {
    const dividend = remainder * 65536 + digits[i]!;
    const q = Math.floor(dividend / units);
    remainder = dividend - q * units;
    quotient = quotient * 65536 + q;
  }
  record.seconds = quotient;
  record.nanoseconds = units === 1_000_000_000 ? remainder : units === 1_000_000 ? remainder * 1000 : Math.floor((remainder * 1_000_000_000) / units);
}

/** A capture's byte order is known only at run time (its magic says which). */
function readU16(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian ? readU16LE(b, at) : readU16BE(b, at);
}

function readU32(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian ? readU32LE(b, at) : readU32BE(b, at);
}

/** A signed 64-bit integer as a number (exact up to 2^53, far beyond any time offset). */
function readI64(b: Uint8Array, at: number, littleEndian: boolean): number {
  const high = littleEndian ? readU32(b, at + 4, true) : readU32(b, at, false);
  const low = littleEndian ? readU32(b, at, true) : readU32(b, at + 4, false);
  return (high | 0) * 0x100000000 + low;
}

function hex(b: Uint8Array, at: number, length: number): string {
  return Array.from(b.subarray(at, Math.min(at + length, b.length)), (x) => x.toString(16).padStart(2, '0')).join(' ');
}
