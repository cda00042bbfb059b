import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PcapWriter } from './pcap-writer.js';
import { MAX_READABLE_RECORD, walkRecords } from './pcap-tail.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorlite-pcap-tail-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A capture of records of the given lengths, and the offset where each record ends. */
function capture(lengths: readonly number[]): { bytes: Uint8Array; ends: number[] } {
  const writer = new PcapWriter();
  const ends: number[] = [];
  lengths.forEach((length, i) => {
    const frame = new Uint8Array(length).fill(i & 0xff);
    writer.writeRecord(i, 0, frame, 0, length);
    ends.push(writer.length);
  });
  return { bytes: writer.bytes().slice(), ends };
}

function walk(bytes: Uint8Array) {
  const path = join(dir, 'walk.pcap');
  writeFileSync(path, bytes);
  const fd = openSync(path, 'r');
  try {
    return walkRecords(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
}

describe('walkRecords', () => {
  it('accepts a file that ends after a whole record, and a header with no records', () => {
    const { bytes } = capture([60, 300, 1514]);
    assert.deepEqual(walk(bytes), { wholeLength: bytes.length, break: null });
    assert.deepEqual(walk(bytes.subarray(0, 24)), { wholeLength: 24, break: null });
  });

  it('finds the end of the last whole record when the file ends inside a record header or its bytes', () => {
    const { bytes, ends } = capture([60, 300, 1514]);
    for (const cut of [1, 7, 1514, 1514 + 15, 1514 + 16 - 1]) {
      assert.deepEqual(walk(bytes.subarray(0, bytes.length - cut)), { wholeLength: ends[1], break: 'cut-short' }, `${cut} bytes cut`);
    }
    assert.deepEqual(walk(bytes.subarray(0, 24 + 10)), { wholeLength: 24, break: 'cut-short' });
  });

  it('stops at a record length no pcap reader accepts, as a record appended after a cut one leaves', () => {
    const { bytes, ends } = capture([60, 300]);
    const damaged = Buffer.from(bytes);
    damaged.writeUInt32LE(MAX_READABLE_RECORD + 1, ends[0]! + 8);
    assert.deepEqual(walk(damaged), { wholeLength: ends[0], break: 'impossible-length' });
    const largest = capture([MAX_READABLE_RECORD]);
    assert.deepEqual(walk(largest.bytes), { wholeLength: largest.bytes.length, break: null });
  });

  it('walks across read chunks: small records, records longer than a chunk, and cuts on either side of a chunk boundary', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const lengths = Array.from({ length: 400 }, (_, i) => (i % 37 === 0 ? MAX_READABLE_RECORD : 40 + Math.floor(random() * 1500)));
    const { bytes, ends } = capture(lengths);
    assert.ok(bytes.length > 3 * 1024 * 1024, 'longer than a few chunks');
    assert.deepEqual(walk(bytes), { wholeLength: bytes.length, break: null });
    const chunk = 1024 * 1024;
    for (const cutAt of [chunk - 1, chunk, chunk + 8, chunk + 17, 2 * chunk + 3, bytes.length - 1]) {
      const expected = [24, ...ends].filter((end) => end <= cutAt).at(-1);
      const result = walk(bytes.subarray(0, cutAt));
      assert.equal(result.wholeLength, expected, `cut at ${cutAt}`);
      assert.equal(result.break, expected === cutAt ? null : 'cut-short', `cut at ${cutAt}`);
    }
  });
});
