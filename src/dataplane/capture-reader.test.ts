import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPTURE_ERRORS, CaptureReader } from './capture-reader.js';
import { tcpFrame, udpFrame } from './frame-builder.js';

// Captures are assembled here byte by byte from the format specifications (pcap: the
// draft-ietf-opsawg-pcap layout; pcapng: draft-ietf-opsawg-pcapng), in both byte orders, so the
// reader is checked against the formats rather than against mirrorlite's own writer.

interface ReadRecord {
  seconds: number;
  nanoseconds: number;
  interfaceId: number;
  originalLength: number;
  data: string;
}

interface ReadResult {
  records: ReadRecord[];
  state: string;
  error: string | null;
  format: string;
  skipped: Record<string, number>;
  blocksIgnored: number;
}

/** Feeds the chunks one at a time, draining records after each, then ends the input. */
function readAll(chunks: Uint8Array[]): ReadResult {
  const reader = new CaptureReader();
  const records: ReadRecord[] = [];
  const drain = () => {
    while (reader.next()) {
      const r = reader.record;
      records.push({ seconds: r.seconds, nanoseconds: r.nanoseconds, interfaceId: r.interfaceId, originalLength: r.originalLength, data: Buffer.from(r.bytes()).toString('hex') });
    }
  };
  for (const chunk of chunks) {
    reader.push(chunk);
    drain();
  }
  reader.end();
  drain();
  return { records, state: reader.state, error: reader.error, format: reader.format, skipped: { ...reader.skipped }, blocksIgnored: reader.blocksIgnored };
}

class Bytes {
  private readonly parts: Buffer[] = [];
  constructor(private readonly littleEndian: boolean) {}
  u8(value: number): this {
    this.parts.push(Buffer.from([value]));
    return this;
  }
  u16(value: number): this {
    const b = Buffer.alloc(2);
    if (this.littleEndian) b.writeUInt16LE(value);
    else b.writeUInt16BE(value);
    this.parts.push(b);
    return this;
  }
  u32(value: number): this {
    const b = Buffer.alloc(4);
    if (this.littleEndian) b.writeUInt32LE(value >>> 0);
    else b.writeUInt32BE(value >>> 0);
    this.parts.push(b);
    return this;
  }
  i64(value: bigint): this {
    const b = Buffer.alloc(8);
    if (this.littleEndian) b.writeBigInt64LE(value);
    else b.writeBigInt64BE(value);
    this.parts.push(b);
    return this;
  }
  raw(bytes: Uint8Array): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  pad4(): this {
    const length = this.parts.reduce((sum, p) => sum + p.length, 0);
    if (length % 4) this.parts.push(Buffer.alloc(4 - (length % 4)));
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function classicPcap(littleEndian: boolean, nanosecond: boolean, linkType: number, records: { seconds: number; fraction: number; data: Uint8Array; originalLength?: number }[]): Buffer {
  const b = new Bytes(littleEndian).u32(nanosecond ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(262144).u32(linkType);
  for (const r of records) b.u32(r.seconds).u32(r.fraction).u32(r.data.length).u32(r.originalLength ?? r.data.length).raw(r.data);
  return b.done();
}

const ng = {
  block(littleEndian: boolean, type: number, body: Buffer): Buffer {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const total = 12 + padded.length;
    return new Bytes(littleEndian).u32(type).u32(total).raw(padded).u32(total).done();
  },
  section(littleEndian: boolean): Buffer {
    return ng.block(littleEndian, 0x0a0d0d0a, new Bytes(littleEndian).u32(0x1a2b3c4d).u16(1).u16(0).i64(-1n).done());
  },
  interface(littleEndian: boolean, linkType: number, options: { tsresol?: number; tsoffset?: bigint; snapLength?: number } = {}): Buffer {
    const b = new Bytes(littleEndian).u16(linkType).u16(0).u32(options.snapLength ?? 0);
    b.u16(2).u16(4).raw(Buffer.from('eth0')); // if_name, to be skipped
    if (options.tsresol !== undefined) b.u16(9).u16(1).u8(options.tsresol).pad4();
    if (options.tsoffset !== undefined) b.u16(14).u16(8).i64(options.tsoffset);
    b.u16(0).u16(0);
    return ng.block(littleEndian, 1, b.done());
  },
  enhanced(littleEndian: boolean, interfaceId: number, timestamp: bigint, data: Uint8Array, originalLength = data.length): Buffer {
    const b = new Bytes(littleEndian).u32(interfaceId).u32(Number(timestamp >> 32n)).u32(Number(timestamp & 0xffffffffn)).u32(data.length).u32(originalLength).raw(data).pad4();
    b.u16(1).u16(5).raw(Buffer.from('hello')).pad4().u16(0).u16(0); // an opt_comment, to be skipped
    return ng.block(littleEndian, 6, b.done());
  },
  simple(littleEndian: boolean, data: Uint8Array, originalLength = data.length): Buffer {
    return ng.block(littleEndian, 3, new Bytes(littleEndian).u32(originalLength).raw(data).done());
  },
  obsolete(littleEndian: boolean, interfaceId: number, timestamp: bigint, data: Uint8Array): Buffer {
    return ng.block(littleEndian, 2, new Bytes(littleEndian).u16(interfaceId).u16(0).u32(Number(timestamp >> 32n)).u32(Number(timestamp & 0xffffffffn)).u32(data.length).u32(data.length).raw(data).done());
  },
  statistics(littleEndian: boolean): Buffer {
    return ng.block(littleEndian, 5, new Bytes(littleEndian).u32(0).u32(0).u32(0).done());
  },
};

const FRAME_A = tcpFrame('10.0.0.5', 40000, '10.0.0.9', 443, { payload: 'first' });
const FRAME_B = udpFrame('2001:db8::5', 5353, '2001:db8::9', 53, { payload: 'second frame' });
const FRAME_C = tcpFrame('10.0.0.9', 443, '10.0.0.5', 40000, { payload: 'odd length!' });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A pcapng stream exercising every block the reader knows, in one byte order. */
function richPcapng(le: boolean): Buffer {
  return Buffer.concat([
    ng.section(le),
    ng.interface(le, 1), // 0: Ethernet, microseconds
    ng.interface(le, 1, { tsresol: 9, tsoffset: 100n, snapLength: 40 }), // 1: Ethernet, nanoseconds, 100 s offset, snap length 40
    ng.interface(le, 101), // 2: raw IP, not Ethernet
    ng.interface(le, 1, { tsresol: 0x8a }), // 3: Ethernet, 2^-10 s
    ng.enhanced(le, 0, 1_700_000_000_123_456n, FRAME_A),
    ng.statistics(le),
    ng.enhanced(le, 1, 1_700_000_000_123_456_789n, FRAME_B.subarray(0, 40), FRAME_B.length),
    ng.enhanced(le, 2, 5n, FRAME_A),
    ng.enhanced(le, 7, 5n, FRAME_A),
    ng.enhanced(le, 3, 1_700_000_000n * 1024n + 512n, FRAME_C),
    ng.simple(le, FRAME_C),
    ng.obsolete(le, 0, 1_700_000_001_000_001n, FRAME_B),
  ]);
}

const RICH_EXPECTED: ReadRecord[] = [
  { seconds: 1_700_000_000, nanoseconds: 123_456_000, interfaceId: 0, originalLength: FRAME_A.length, data: hex(FRAME_A) },
  { seconds: 1_700_000_100, nanoseconds: 123_456_789, interfaceId: 1, originalLength: FRAME_B.length, data: hex(FRAME_B.subarray(0, 40)) },
  { seconds: 1_700_000_000, nanoseconds: 500_000_000, interfaceId: 3, originalLength: FRAME_C.length, data: hex(FRAME_C) },
  { seconds: 0, nanoseconds: 0, interfaceId: 0, originalLength: FRAME_C.length, data: hex(FRAME_C) },
  { seconds: 1_700_000_001, nanoseconds: 1_000, interfaceId: 0, originalLength: FRAME_B.length, data: hex(FRAME_B) },
];

describe('CaptureReader: classic pcap', () => {
  for (const littleEndian of [true, false]) {
    for (const nanosecond of [false, true]) {
      it(`reads ${littleEndian ? 'little' : 'big'}-endian ${nanosecond ? 'nanosecond' : 'microsecond'} captures`, () => {
        const capture = classicPcap(littleEndian, nanosecond, 1, [
          { seconds: 1_700_000_000, fraction: nanosecond ? 999_999_999 : 999_999, data: FRAME_A },
          { seconds: 0xffffffff, fraction: 1, data: FRAME_B.subarray(0, 30), originalLength: FRAME_B.length },
        ]);
        const result = readAll([capture]);
        assert.equal(result.state, 'done');
        assert.equal(result.format, 'pcap');
        assert.deepEqual(result.records, [
          { seconds: 1_700_000_000, nanoseconds: 999_999_999 - (nanosecond ? 0 : 999), interfaceId: 0, originalLength: FRAME_A.length, data: hex(FRAME_A) },
          { seconds: 0xffffffff, nanoseconds: nanosecond ? 1 : 1000, interfaceId: 0, originalLength: FRAME_B.length, data: hex(FRAME_B.subarray(0, 30)) },
        ]);
      });
    }
  }

  it('skips and counts the records of a non-Ethernet capture', () => {
    const result = readAll([classicPcap(true, false, 101, [{ seconds: 1, fraction: 0, data: FRAME_A.subarray(14) }])]);
    assert.equal(result.state, 'done');
    assert.equal(result.records.length, 0);
    assert.equal(result.skipped['unsupported-link-type'], 1);
  });

  it('reads a capture with no records', () => {
    const result = readAll([classicPcap(false, false, 1, [])]);
    assert.equal(result.state, 'done');
    assert.equal(result.records.length, 0);
  });

  it('exposes the microseconds of a nanosecond timestamp', () => {
    const reader = new CaptureReader();
    reader.push(classicPcap(true, true, 1, [{ seconds: 5, fraction: 123_456_789, data: FRAME_A }]));
    assert.equal(reader.next(), true);
    assert.equal(reader.record.microseconds, 123_456);
    assert.equal(reader.record.resolution, 1e9);
  });
});

describe('CaptureReader: pcapng', () => {
  for (const littleEndian of [true, false]) {
    it(`reads SHB, IDB, EPB, SPB and obsolete packet blocks, ${littleEndian ? 'little' : 'big'}-endian`, () => {
      const result = readAll([richPcapng(littleEndian)]);
      assert.equal(result.state, 'done', result.error ?? '');
      assert.equal(result.format, 'pcapng');
      assert.deepEqual(result.records, RICH_EXPECTED);
      assert.deepEqual(result.skipped, { 'unsupported-link-type': 1, 'unknown-interface': 1, 'malformed-packet-block': 0 });
      assert.equal(result.blocksIgnored, 1);
    });
  }

  it('follows a change of byte order at a new section, which also forgets the interfaces', () => {
    const stream = Buffer.concat([
      ng.section(true),
      ng.interface(true, 1),
      ng.enhanced(true, 0, 1_000_000n, FRAME_A),
      ng.section(false),
      ng.enhanced(false, 0, 2_000_000n, FRAME_B), // no interface yet in this section
      ng.interface(false, 1, { tsresol: 3 }),
      ng.enhanced(false, 0, 3_500n, FRAME_C),
    ]);
    const result = readAll([stream]);
    assert.equal(result.state, 'done');
    assert.deepEqual(
      result.records.map((r) => [r.seconds, r.nanoseconds, r.data]),
      [
        [1, 0, hex(FRAME_A)],
        [3, 500_000_000, hex(FRAME_C)],
      ],
    );
    assert.equal(result.skipped['unknown-interface'], 1);
  });

  it('limits simple packet blocks to the interface snap length', () => {
    const stream = Buffer.concat([ng.section(true), ng.interface(true, 1, { snapLength: 20 }), ng.simple(true, FRAME_A.subarray(0, 20), FRAME_A.length)]);
    const result = readAll([stream]);
    assert.deepEqual(result.records.map((r) => [r.data, r.originalLength]), [[hex(FRAME_A.subarray(0, 20)), FRAME_A.length]]);
  });

  it('counts a packet block that claims more data than it holds, and goes on', () => {
    const bad = ng.enhanced(true, 0, 0n, FRAME_A);
    bad.writeUInt32LE(5000, 20); // captured length
    const result = readAll([Buffer.concat([ng.section(true), ng.interface(true, 1), bad, ng.enhanced(true, 0, 0n, FRAME_B)])]);
    assert.equal(result.state, 'done');
    assert.equal(result.skipped['malformed-packet-block'], 1);
    assert.equal(result.records.length, 1);
  });
});

describe('CaptureReader: chunked input', () => {
  const captures: [string, Buffer][] = [
    ['classic', classicPcap(false, true, 1, [{ seconds: 1, fraction: 2, data: FRAME_A }, { seconds: 3, fraction: 4, data: FRAME_C }, { seconds: 5, fraction: 6, data: FRAME_B }])],
    ['pcapng little-endian', richPcapng(true)],
    ['pcapng big-endian', richPcapng(false)],
  ];
  for (const [name, capture] of captures) {
    it(`${name}: gives the same records whatever byte a chunk boundary falls on`, () => {
      const whole = readAll([capture]);
      assert.equal(whole.state, 'done');
      for (let cut = 0; cut <= capture.length; cut++) {
        const split = readAll([capture.subarray(0, cut), capture.subarray(cut)]);
        assert.deepEqual(split, whole, `split at ${cut}`);
      }
      for (let a = 1; a < capture.length; a += 7) {
        for (const b of [a + 1, a + 13, a + 64]) {
          const three = readAll([capture.subarray(0, a), capture.subarray(a, b), capture.subarray(b)]);
          assert.deepEqual(three, whole, `split at ${a} and ${b}`);
        }
      }
    });

    it(`${name}: gives the same records fed one byte at a time`, () => {
      const bytes = [...capture].map((byte) => Uint8Array.of(byte));
      assert.deepEqual(readAll(bytes), readAll([capture]));
    });
  }

  it('waits for more input without ending, then finishes', () => {
    const capture = classicPcap(true, false, 1, [{ seconds: 1, fraction: 0, data: FRAME_A }]);
    const reader = new CaptureReader();
    reader.push(capture.subarray(0, 30));
    assert.equal(reader.next(), false);
    assert.equal(reader.state, 'reading');
    reader.push(capture.subarray(30));
    assert.equal(reader.next(), true);
    assert.equal(reader.next(), false);
    assert.equal(reader.state, 'reading', 'not done until end()');
    reader.end();
    assert.equal(reader.next(), false);
    assert.equal(reader.state, 'done');
    assert.throws(() => reader.push(capture), /after end/);
  });
});

describe('CaptureReader: broken input', () => {
  it('reports garbage as bad-magic', () => {
    const result = readAll([Buffer.from('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n')]);
    assert.equal(result.state, 'error');
    assert.equal(result.error, 'bad-magic');
  });

  it('reports an empty or cut capture as truncated', () => {
    assert.equal(readAll([]).error, 'truncated-capture');
    const capture = classicPcap(true, false, 1, [{ seconds: 1, fraction: 0, data: FRAME_A }]);
    for (const cut of [10, 23, 30, capture.length - 1]) {
      const result = readAll([capture.subarray(0, cut)]);
      assert.equal(result.error, 'truncated-capture', `cut at ${cut}`);
    }
    const ngCut = readAll([richPcapng(true).subarray(0, 100)]);
    assert.equal(ngCut.error, 'truncated-capture');
  });

  it('reports impossible lengths and versions', () => {
    const huge = classicPcap(true, false, 1, [{ seconds: 1, fraction: 0, data: FRAME_A }]);
    huge.writeUInt32LE(0x7fffffff, 24 + 8);
    assert.equal(readAll([huge]).error, 'bad-record-length');
    const version = classicPcap(true, false, 1, []);
    version.writeUInt16LE(3, 4);
    assert.equal(readAll([version]).error, 'unsupported-version');
    const odd = Buffer.concat([ng.section(true), ng.interface(true, 1)]);
    odd.writeUInt32LE(27, 4); // section length not a multiple of 4
    assert.equal(readAll([odd]).error, 'bad-block-length');
    const trailer = Buffer.concat([ng.section(true), ng.interface(true, 1)]);
    trailer.writeUInt32LE(1, trailer.length - 4);
    assert.equal(readAll([trailer]).error, 'bad-block-length');
    const bom = ng.section(true);
    bom.writeUInt32LE(0x12345678, 8);
    assert.equal(readAll([bom]).error, 'bad-section-header');
    const ngVersion = ng.section(false);
    ngVersion.writeUInt16BE(2, 12);
    assert.equal(readAll([ngVersion]).error, 'unsupported-version');
  });

  it('never throws on corrupted captures in random chunks, and every record lies inside its buffer', () => {
    let seed = 99;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const samples = [richPcapng(true), richPcapng(false), classicPcap(false, false, 1, [{ seconds: 1, fraction: 2, data: FRAME_A }, { seconds: 3, fraction: 4, data: FRAME_B }])];
    for (let i = 0; i < 3000; i++) {
      const capture = Buffer.from(samples[i % samples.length]!);
      const flips = 1 + Math.floor(random() * 4);
      for (let k = 0; k < flips; k++) capture[Math.floor(random() * capture.length)] = Math.floor(random() * 256);
      const reader = new CaptureReader();
      let at = 0;
      while (at < capture.length) {
        const size = 1 + Math.floor(random() * 40);
        reader.push(capture.subarray(at, at + size));
        at += size;
        while (reader.next()) {
          const r = reader.record;
          assert.ok(r.offset >= 0 && r.offset + r.capturedLength <= r.buffer.length);
        }
      }
      reader.end();
      while (reader.next()) assert.ok(reader.record.offset + reader.record.capturedLength <= reader.record.buffer.length);
      assert.ok(reader.state === 'done' || (reader.state === 'error' && CAPTURE_ERRORS.includes(reader.error!)), `${reader.state} ${reader.error}`);
    }
  });
});
