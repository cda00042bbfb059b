// Where the readable part of a classic pcap file ends, so that records are appended after a whole
// record and never after one a crash or a full disk cut short: a record appended there would be
// read as the rest of the cut one, and every record from there on would be unreadable.

import { readSync } from 'node:fs';
import { readU32LE } from './byte-order.js';
import { PCAP_FILE_HEADER_LENGTH, PCAP_RECORD_HEADER_LENGTH } from './capture-reader.js';
import { DEFAULT_SNAP_LENGTH } from './pcap-writer.js';

/**
 * The largest record libpcap and Wireshark read for Ethernet (262144 bytes); PcapWriter never
 * writes a longer one. A longer length can only be damage, and readers stop there.
 */
export const MAX_READABLE_RECORD = DEFAULT_SNAP_LENGTH;

/** Bytes read per system call: enough that a walk is bound by copying, not by calls. */
const WALK_CHUNK_BYTES = 1024 * 1024;

export interface RecordWalk {
  /** Bytes from the start of the file to the end of its last whole, readable record. */
  wholeLength: number;
  /** Why the file does not end at wholeLength (null when it does). */
  break: null | 'cut-short' | 'impossible-length';
}

/**
 * Walks the record headers of a little-endian classic pcap file of `size` bytes open for reading
 * as `fd`, from the end of its 24-byte global header. Only headers are needed, but records are
 * mostly a few hundred bytes, so the file is read in large chunks (reading 16 bytes per record
 * would be one system call each); a record longer than a chunk is skipped without reading it.
 */
export function walkRecords(fd: number, size: number): RecordWalk {
  const chunk = Buffer.allocUnsafe(Math.min(WALK_CHUNK_BYTES, Math.max(size, PCAP_RECORD_HEADER_LENGTH)));
  let chunkStart = 0; // file offset of chunk[0]
  let chunkLength = 0;
  let at = PCAP_FILE_HEADER_LENGTH;
  while (at < size) {
    if (at + PCAP_RECORD_HEADER_LENGTH > size) return { wholeLength: at, break: 'cut-short' };
    if (at + PCAP_RECORD_HEADER_LENGTH > chunkStart + chunkLength) {
      chunkStart = at;
      chunkLength = readFully(fd, chunk, Math.min(chunk.length, size - at), at);
      if (chunkLength < PCAP_RECORD_HEADER_LENGTH) return { wholeLength: at, break: 'cut-short' }; // the file shrank while read
    }
    const captured = readU32LE(chunk, at - chunkStart + 8);
    if (captured > MAX_READABLE_RECORD) return { wholeLength: at, break: 'impossible-length' };
    const next = at + PCAP_RECORD_HEADER_LENGTH + captured;
    if (next > size) return { wholeLength: at, break: 'cut-short' };
    at = next;
  }
  return { wholeLength: at, break: null };
}

function readFully(fd: number, into: Buffer, length: number, position: number): number {
  let filled = 0;
  while (filled < length) {
    const read = readSync(fd, into, filled, length - filled, position + filled);
    if (read === 0) break;
    filled += read;
  }
  return filled;
}
