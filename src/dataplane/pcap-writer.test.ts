import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaptureReader } from './capture-reader.js';
import { tcpFrame } from './frame-builder.js';
import { PcapWriter } from './pcap-writer.js';

function readBack(capture: Uint8Array) {
  const reader = new CaptureReader();
  reader.push(capture);
  reader.end();
  const records: { seconds: number; microseconds: number; data: Buffer; originalLength: number }[] = [];
  while (reader.next()) records.push({ seconds: reader.record.seconds, microseconds: reader.record.microseconds, data: Buffer.from(reader.record.bytes()), originalLength: reader.record.originalLength });
  assert.equal(reader.state, 'done', reader.errorMessage);
  return records;
}

describe('PcapWriter', () => {
  it('writes the little-endian microsecond file header for Ethernet', () => {
    const writer = new PcapWriter();
    assert.equal(Buffer.from(writer.bytes()).toString('hex'), 'd4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '01000000');
  });

  it('writes records that read back exactly', () => {
    const writer = new PcapWriter({ bufferSize: 64 }); // small: forces the buffer to grow
    const frames = [tcpFrame('10.0.0.1', 1, '10.0.0.2', 2), tcpFrame('10.0.0.1', 1, '10.0.0.2', 2, { payload: 'x'.repeat(500) }), tcpFrame('10.0.0.2', 2, '10.0.0.1', 1)];
    frames.forEach((frame, i) => writer.writeRecord(1_700_000_000 + i, 999_999 - i, frame, 0, frame.length));
    const record = Buffer.from(writer.bytes().subarray(24, 40));
    assert.deepEqual([record.readUInt32LE(0), record.readUInt32LE(4), record.readUInt32LE(8), record.readUInt32LE(12)], [1_700_000_000, 999_999, frames[0]!.length, frames[0]!.length]);
    const records = readBack(writer.bytes());
    assert.deepEqual(records.map((r) => r.data), frames);
    assert.deepEqual(records.map((r) => [r.seconds, r.microseconds]), [[1_700_000_000, 999_999], [1_700_000_001, 999_998], [1_700_000_002, 999_997]]);
    assert.equal(writer.recordsWritten, 3);
    assert.equal(writer.length, 24 + frames.reduce((sum, f) => sum + 16 + f.length, 0));
  });

  it('cuts records to the snap length and keeps the original length', () => {
    const writer = new PcapWriter({ snapLength: 40 });
    const frame = tcpFrame('10.0.0.1', 1, '10.0.0.2', 2, { payload: 'hello' });
    writer.writeRecord(1, 2, frame, 0, frame.length);
    const [record] = readBack(writer.bytes());
    assert.deepEqual(record!.data, frame.subarray(0, 40));
    assert.equal(record!.originalLength, frame.length);
  });

  it('lets a producer write in place with reserve() and commit()', () => {
    const writer = new PcapWriter();
    const at = writer.reserve(100);
    writer.buffer.fill(0x42, at, at + 60);
    writer.commit(7, 8, 60, 1500);
    const [record] = readBack(writer.bytes());
    assert.deepEqual(record!.data, Buffer.alloc(60, 0x42));
    assert.equal(record!.originalLength, 1500);
    assert.throws(() => writer.commit(1, 1, 1), /without reserve/);
    writer.reserve(10);
    assert.throws(() => writer.commit(1, 1, 11), RangeError);
  });

  it('streams fixed-size chunks to a sink, reusing one buffer', () => {
    const chunks: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const writer = new PcapWriter({
      bufferSize: 256,
      sink: (chunk) => {
        buffers.add(chunk.buffer);
        chunks.push(Buffer.from(chunk)); // the sink must copy or consume now
      },
    });
    const frames = Array.from({ length: 50 }, (_, i) => tcpFrame('10.0.0.1', 1000 + i, '10.0.0.2', 80, { payload: 'y'.repeat(i * 3) }));
    frames.forEach((frame, i) => writer.writeRecord(i, 0, frame, 0, frame.length));
    const big = new Uint8Array(1000).fill(9); // larger than a chunk: gets its own buffer
    writer.writeRecord(99, 0, big, 0, big.length);
    writer.flush();
    assert.ok(chunks.length > 10);
    assert.ok(chunks.every((chunk) => chunk.length <= 1016));
    assert.equal(buffers.size, 2, 'one buffer reused, one grown for the large record');
    const records = readBack(Buffer.concat(chunks));
    assert.equal(records.length, 51);
    assert.deepEqual(records.slice(0, 50).map((r) => r.data), frames);
    assert.deepEqual(records[50]!.data, Buffer.from(big));
  });

  it('writes into caller-provided storage', () => {
    const storage = new Uint8Array(4096);
    const writer = new PcapWriter({ buffer: storage });
    const frame = tcpFrame('10.0.0.1', 1, '10.0.0.2', 2);
    writer.writeRecord(1, 2, frame, 0, frame.length);
    assert.equal(writer.buffer, storage);
    assert.deepEqual(readBack(storage.subarray(0, writer.length))[0]!.data, frame);
  });
});
