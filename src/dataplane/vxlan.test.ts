import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tcpFrame, udpFrame } from './frame-builder.js';
import { decodeVxlan, encodeVxlan, MTU_BUDGET_GAP, VXLAN_OVERHEAD, VxlanEncapsulator, type DecodedVxlan, type VxlanEncapsulation } from './vxlan.js';

const UDP4 = Buffer.from(
  '001b213a4f10000c298ed21f080045000073000040004011b861c0a80001c0a800c7d431270f005f1696000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f50515253545556',
  'hex',
);

const FIELDS: VxlanEncapsulation = { sourceMac: '02:00:00:00:00:05', destinationMac: '02:00:00:00:00:99', sourceIpv4: '10.0.0.5', destinationIpv4: '10.0.9.9', vni: 0x123456 };

/** RFC 1071 checksum written the slow, obvious way: an independent check of the encoder's. */
function naiveChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += bytes[i]! * 256 + (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return 0xffff - sum;
}

function encode(fields: VxlanEncapsulation, inner: Uint8Array, sourcePort = 0xc001): { bytes: Buffer; decoded: DecodedVxlan } {
  const out = Buffer.alloc(VXLAN_OVERHEAD + inner.length + 16, 0xaa);
  const written = encodeVxlan(out, 3, fields, inner, 0, inner.length, sourcePort);
  assert.equal(out[2], 0xaa, 'nothing written before the offset');
  assert.equal(out[3 + written], 0xaa, 'nothing written past the returned length');
  const bytes = out.subarray(3, 3 + written);
  const result = decodeVxlan(bytes);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return { bytes, decoded: result.value };
}

describe('VXLAN encapsulation', () => {
  it('writes the exact outer headers of RFC 7348 and decisions.md', () => {
    const { bytes } = encode(FIELDS, UDP4);
    // Computed by an independent script: Ethernet, IPv4 (length 0xa5, DF, TTL 64, UDP, checksum
    // 0x1d3b), UDP 0xc001 -> 4789 (length 0x91, checksum 0), VXLAN flags 0x08, VNI 0x123456.
    assert.equal(bytes.subarray(0, 50).toString('hex'), '0200000000990200000000050800450000a50000400040111d3b0a0000050a000909c00112b5009100000800000012345600');
    assert.deepEqual(bytes.subarray(50), UDP4);
  });

  it('round-trips through decodeVxlan with consistent lengths and a valid checksum', () => {
    const { bytes, decoded } = encode(FIELDS, UDP4, 50000);
    assert.equal(decoded.sourceMac, FIELDS.sourceMac);
    assert.equal(decoded.destinationMac, FIELDS.destinationMac);
    assert.equal(decoded.sourceIpv4, '10.0.0.5');
    assert.equal(decoded.destinationIpv4, '10.0.9.9');
    assert.equal(decoded.ttl, 64);
    assert.equal(decoded.dontFragment, true);
    assert.equal(decoded.moreFragments, false);
    assert.equal(decoded.fragmentOffset, 0);
    assert.equal(decoded.identification, 0);
    assert.equal(decoded.ipHeaderLength, 20);
    assert.equal(decoded.ipTotalLength, bytes.length - 14);
    assert.equal(decoded.udpLength, bytes.length - 34);
    assert.equal(decoded.sourcePort, 50000);
    assert.equal(decoded.destinationPort, 4789);
    assert.equal(decoded.udpChecksum, 0);
    assert.equal(decoded.vxlanFlags, 0x08);
    assert.equal(decoded.vxlanReserved1, 0);
    assert.equal(decoded.vxlanReserved2, 0);
    assert.equal(decoded.vni, 0x123456);
    assert.equal(decoded.ipChecksumValid, true);
    assert.equal(naiveChecksum(bytes.subarray(14, 34)), 0, 'the header sums to 0xffff');
    assert.deepEqual(Buffer.from(decoded.inner), UDP4);
  });

  it('keeps a valid checksum for every length and VNI', () => {
    for (const vni of [0, 1, 0xffffff, 4242]) {
      for (const length of [14, 60, 61, 1000, 1514, 8000]) {
        const inner = Buffer.alloc(length, length & 0xff);
        const { bytes, decoded } = encode({ ...FIELDS, vni, destinationIpv4: '255.255.255.254' }, inner);
        assert.equal(decoded.vni, vni);
        assert.equal(naiveChecksum(bytes.subarray(14, 34)), 0, `vni ${vni} length ${length}`);
      }
    }
  });

  it('truncates the inner frame to PacketLength', () => {
    const { bytes, decoded } = encode({ ...FIELDS, packetLength: 64 }, UDP4);
    assert.equal(bytes.length, VXLAN_OVERHEAD + 64);
    assert.deepEqual(Buffer.from(decoded.inner), UDP4.subarray(0, 64));
    assert.equal(decoded.ipTotalLength, 20 + 8 + 8 + 64);
    assert.equal(decoded.udpLength, 8 + 8 + 64);
    assert.equal(decoded.ipChecksumValid, true);
    const short = encode({ ...FIELDS, packetLength: 8500 }, UDP4);
    assert.equal(short.bytes.length, VXLAN_OVERHEAD + UDP4.length, 'a frame shorter than PacketLength is whole');
    const one = encode({ ...FIELDS, packetLength: 1 }, UDP4);
    assert.equal(one.decoded.inner.length, 1);
  });

  it('truncates to the MTU with AWS\'s 54-byte budget, after PacketLength', () => {
    const jumbo = Buffer.alloc(9000, 7);
    const atMtu = encode({ ...FIELDS, mtu: 9001 }, jumbo);
    // AWS counts 54 bytes of headers where RFC 7348 writes 50: the outer IP packet keeps MTU - 4.
    assert.equal(MTU_BUDGET_GAP, 4);
    assert.equal(atMtu.decoded.ipTotalLength, 9001 - 4);
    assert.equal(atMtu.bytes.length, 14 + 9001 - 4);
    assert.equal(atMtu.decoded.inner.length, 9001 - 40);
    assert.equal(atMtu.decoded.udpLength, 9001 - 4 - 20);
    assert.equal(atMtu.decoded.ipChecksumValid, true);
    // "the maximum MTU value supported by Traffic Mirroring with no packet truncation is 8947 bytes":
    // an 8947-byte IP packet (an 8961-byte frame) arrives whole at a 9001-MTU target, 8948 does not.
    assert.equal(encode({ ...FIELDS, mtu: 9001 }, Buffer.alloc(8947 + 14)).decoded.inner.length, 8947 + 14);
    assert.equal(encode({ ...FIELDS, mtu: 9001 }, Buffer.alloc(8948 + 14)).decoded.inner.length, 8947 + 14);
    // AWS's own example: an 8996-byte packet to a 9001-MTU target arrives truncated.
    assert.equal(encode({ ...FIELDS, mtu: 9001 }, Buffer.alloc(8996 + 14)).decoded.inner.length, 8961);
    // A Gateway Load Balancer (MTU 8500): "8500 – 54 = 8446" bytes of IP packet arrive whole.
    assert.equal(encode({ ...FIELDS, mtu: 8500 }, jumbo).decoded.inner.length, 8446 + 14);
    const both = encode({ ...FIELDS, mtu: 1500, packetLength: 2000 }, jumbo);
    assert.equal(both.decoded.ipTotalLength, 1496);
    const packetLengthFirst = encode({ ...FIELDS, mtu: 1500, packetLength: 100 }, jumbo);
    assert.equal(packetLengthFirst.decoded.inner.length, 100);
    const tiny = encode({ ...FIELDS, mtu: 68 }, jumbo);
    assert.equal(tiny.decoded.ipTotalLength, 64);
    assert.equal(tiny.decoded.inner.length, 28);
  });

  it('reports encoded lengths that match what encode writes', () => {
    const encapsulator = new VxlanEncapsulator({ ...FIELDS, packetLength: 300, mtu: 1500 });
    const out = new Uint8Array(3000);
    for (const length of [0, 14, 299, 300, 301, 1500, 2000]) {
      const written = encapsulator.encode(out, 0, new Uint8Array(length), 0, length, 1);
      assert.equal(written, encapsulator.encodedLength(length), `length ${length}`);
    }
  });

  it('reuses one encapsulator across output buffers and offsets', () => {
    const encapsulator = new VxlanEncapsulator(FIELDS);
    const a = Buffer.alloc(400);
    const b = Buffer.alloc(400);
    const frame = tcpFrame('10.0.0.5', 1, '10.0.0.9', 2);
    const first = encapsulator.encode(a, 0, frame, 0, frame.length, 60000);
    encapsulator.encode(b, 100, frame, 0, frame.length, 60000);
    encapsulator.encode(a, 200, frame, 0, frame.length, 60000);
    assert.deepEqual(b.subarray(100, 100 + first), a.subarray(0, first));
    assert.deepEqual(a.subarray(200, 200 + first), a.subarray(0, first));
    // A view into a larger ArrayBuffer: writes land inside the view.
    const backing = Buffer.alloc(1000, 0xee);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 500, 300);
    encapsulator.encode(view, 0, frame, 0, frame.length, 60000);
    assert.deepEqual(backing.subarray(500, 500 + first), a.subarray(0, first));
    assert.equal(backing[499], 0xee);
  });

  it('refuses to write outside the output or read outside the input', () => {
    const encapsulator = new VxlanEncapsulator(FIELDS);
    assert.throws(() => encapsulator.encode(new Uint8Array(VXLAN_OVERHEAD + UDP4.length - 1), 0, UDP4, 0, UDP4.length, 1), RangeError);
    assert.throws(() => encapsulator.encode(new Uint8Array(1000), 900, UDP4, 0, UDP4.length, 1), RangeError);
    assert.throws(() => encapsulator.encode(new Uint8Array(1000), 0, UDP4, 100, UDP4.length, 1), RangeError);
  });

  it('refuses bad construction values', () => {
    for (const bad of [{ vni: -1 }, { vni: 0x1000000 }, { vni: 1.5 }, { sourceMac: 'x' }, { destinationIpv4: '2001:db8::1' }, { mtu: 67 }, { packetLength: -1 }]) {
      assert.throws(() => new VxlanEncapsulator({ ...FIELDS, ...bad }), RangeError, JSON.stringify(bad));
    }
  });
});

describe('decodeVxlan', () => {
  it('rejects every truncation of a valid frame without throwing', () => {
    const { bytes } = encode(FIELDS, udpFrame('10.0.0.5', 1, '10.0.0.9', 2, { payload: 'x' }));
    for (let length = 0; length < 50; length++) {
      const result = decodeVxlan(bytes.subarray(0, length));
      assert.equal(result.ok, false, `length ${length}`);
    }
    // Cut inside the inner frame: the IPv4 total length no longer fits.
    const cut = decodeVxlan(bytes.subarray(0, bytes.length - 1));
    assert.deepEqual(cut, { ok: false, error: 'truncated-ipv4-packet' });
  });

  it('names what is wrong', () => {
    const { bytes } = encode(FIELDS, UDP4);
    const broken = (edit: (b: Buffer) => void) => {
      const copy = Buffer.from(bytes);
      edit(copy);
      const result = decodeVxlan(copy);
      return result.ok ? 'ok' : result.error;
    };
    assert.equal(broken((b) => b.writeUInt16BE(0x86dd, 12)), 'not-ipv4');
    assert.equal(broken((b) => (b[23] = 6)), 'not-udp');
    assert.equal(broken((b) => b.writeUInt16BE(4790, 36)), 'not-vxlan-port');
    assert.equal(broken((b) => b.writeUInt16BE(100, 38)), 'udp-length-mismatch');
    assert.equal(broken((b) => (b[42] = 0)), 'vxlan-vni-not-valid');
    assert.equal(broken((b) => b.writeUInt16BE(0x2000, 20)), 'ipv4-fragment');
    assert.equal(broken((b) => (b[14] = 0x44)), 'ipv4-bad-header-length');
    const badSum = decodeVxlan(Buffer.from(bytes).fill(0, 24, 26));
    assert.ok(badSum.ok && !badSum.value.ipChecksumValid);
  });
});
