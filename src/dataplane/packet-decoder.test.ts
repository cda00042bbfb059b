import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIpv4, formatIpv6 } from '../net/cidr.js';
import { buildIpFrame, tcpFrame } from './frame-builder.js';
import { DECODE_ERRORS, DecodedFrame, decodeFrame, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_QINQ, ETHERTYPE_VLAN } from './packet-decoder.js';

// Frames written by an independent Python script around two IPv4 headers with published
// checksums (Wikipedia, "IPv4 header checksum": 4500 0073 ... b861 and 4500 003c 1c46 ... b1e6);
// tshark 4.0 decoded each one and found every checksum good.
const FIXTURES = {
  /** Ethernet / IPv4 192.168.0.1 -> 192.168.0.199 / UDP 54321 -> 9999, 87 payload bytes. */
  udp4: '001b213a4f10000c298ed21f080045000073000040004011b861c0a80001c0a800c7d431270f005f1696000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f50515253545556',
  /** Ethernet / IPv4 172.16.10.99 -> 172.16.10.12 / TCP SYN 40000 -> 80 with MSS, SACK, timestamps, window scale. */
  tcp4syn: '001b213a4f10000c298ed21f08004500003c1c4640004006b1e6ac100a63ac100a0c9c4000504f6c363b00000000a002faf093bf0000020405b40402080a000d2a7b0000000001030307',
  /** Ethernet / 802.1Q VLAN 10 / IPv6 2001:db8::5 -> fd00:ec2::253 / hop-by-hop / destination options / UDP 53000 -> 53 DNS query. */
  dns6vlan: '0200000000020200000000058100000a86dd600000000035004020010db8000000000000000000000005fd000ec20000000000000000000002533c000104000000001100010400000000cf08003500256635beef01000001000000000000076578616d706c6503636f6d0000010001',
  /** Ethernet / IPv4 10.0.0.9 -> 10.0.0.5, UDP fragment at offset 1480 (no transport header). */
  frag4: '020000000005020000000009080045000078123400b94011537b0a0000090a00000500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  /** Ethernet / 802.1ad S-tag 100 / 802.1Q C-tag 200 / ARP who-has 10.0.0.5 tell 10.0.0.9. */
  arpqinq: 'ffffffffffff02000000000988a80064810000c8080600010800060400010200000000090a0000090000000000000a000005',
  /** Ethernet / IPv6 fe80::1 -> ff02::1 / fragment header (first, M=1) / ICMPv6 echo request id 0x4242. */
  icmp6frag: '33330000000102000000000586dd6000000000142cfffe800000000000000000000000000001ff0200000000000000000000000000013a000001deadbeef800061194242000770696e67',
} as const;

const hex = (text: string) => Buffer.from(text, 'hex');

function decode(bytes: Uint8Array, frame = new DecodedFrame()): DecodedFrame {
  decodeFrame(bytes, 0, bytes.length, frame);
  return frame;
}

describe('decodeFrame on known packets', () => {
  it('decodes IPv4 UDP', () => {
    const f = decode(hex(FIXTURES.udp4));
    assert.equal(f.ok, true);
    assert.equal(f.etherType, ETHERTYPE_IPV4);
    assert.equal(f.vlanCount, 0);
    assert.equal(f.family, 4);
    assert.equal(formatIpv4(f.srcIpv4), '192.168.0.1');
    assert.equal(formatIpv4(f.dstIpv4), '192.168.0.199');
    assert.equal(f.srcIpv4, 0xc0a80001);
    assert.equal(f.protocol, 17);
    assert.equal(f.hasPorts, true);
    assert.equal(f.srcPort, 54321);
    assert.equal(f.dstPort, 9999);
    assert.equal(f.dontFragment, true);
    assert.equal(f.isFragment, false);
    assert.equal(f.l3Offset, 14);
    assert.equal(f.l4Offset, 34);
    assert.equal(f.payloadOffset, 42);
    assert.equal(f.l3End, 14 + 0x73);
    assert.equal(f.captureTruncated, false);
  });

  it('decodes an IPv4 TCP SYN with options', () => {
    const f = decode(hex(FIXTURES.tcp4syn));
    assert.equal(f.ok, true);
    assert.equal(formatIpv4(f.srcIpv4), '172.16.10.99');
    assert.equal(formatIpv4(f.dstIpv4), '172.16.10.12');
    assert.equal(f.protocol, 6);
    assert.equal(f.ttl, 64);
    assert.deepEqual([f.srcPort, f.dstPort], [40000, 80]);
    assert.equal(f.tcpFlags, 0x02);
    assert.equal(f.l4Offset, 34);
    assert.equal(f.payloadOffset, 34 + 40, 'data offset 10 words: 20 bytes of options skipped');
  });

  it('decodes IPv6 inside 802.1Q, walking hop-by-hop and destination options to UDP', () => {
    const f = decode(hex(FIXTURES.dns6vlan));
    assert.equal(f.ok, true);
    assert.equal(f.vlanCount, 1);
    assert.equal(f.vlanTpid[0], ETHERTYPE_VLAN);
    assert.equal(f.vlanTci[0]! & 0xfff, 10);
    assert.equal(f.etherType, ETHERTYPE_IPV6);
    assert.equal(f.family, 6);
    assert.equal(formatIpv6(f.srcIpv6), '2001:db8::5');
    assert.equal(formatIpv6(f.dstIpv6), 'fd00:ec2::253');
    assert.equal(f.protocol, 17);
    assert.equal(f.l3Offset, 18);
    assert.equal(f.l4Offset, 18 + 40 + 8 + 8);
    assert.deepEqual([f.srcPort, f.dstPort], [53000, 53]);
  });

  it('gives a non-first IPv4 fragment no ports', () => {
    const f = decode(hex(FIXTURES.frag4));
    assert.equal(f.ok, true);
    assert.equal(f.isFragment, true);
    assert.equal(f.fragmentOffset, 1480);
    assert.equal(f.moreFragments, false);
    assert.equal(f.protocol, 17);
    assert.equal(f.hasPorts, false);
    assert.equal(f.l4Offset, -1);
    assert.equal(f.payloadOffset, 34);
  });

  it('decodes ARP inside 802.1ad + 802.1Q', () => {
    const f = decode(hex(FIXTURES.arpqinq));
    assert.equal(f.ok, true);
    assert.equal(f.vlanCount, 2);
    assert.deepEqual([f.vlanTpid[0], f.vlanTpid[1]], [ETHERTYPE_QINQ, ETHERTYPE_VLAN]);
    assert.deepEqual([f.vlanTci[0], f.vlanTci[1]], [100, 200]);
    assert.equal(f.etherType, ETHERTYPE_ARP);
    assert.equal(f.family, 0);
    assert.equal(f.protocol, -1);
    assert.equal(f.arpOperation, 1);
    assert.equal(formatIpv4(f.arpSenderIpv4), '10.0.0.9');
    assert.equal(formatIpv4(f.arpTargetIpv4), '10.0.0.5');
  });

  it('reads ICMPv6 behind a first-fragment header', () => {
    const f = decode(hex(FIXTURES.icmp6frag));
    assert.equal(f.ok, true);
    assert.equal(f.isFragment, true);
    assert.equal(f.fragmentOffset, 0);
    assert.equal(f.moreFragments, true);
    assert.equal(f.protocol, 58);
    assert.equal(f.icmpType, 128);
    assert.equal(f.icmpCode, 0);
    assert.equal(f.icmpIdentifier, 0x4242);
    assert.equal(f.hasPorts, false);
  });
});

describe('decodeFrame edge cases', () => {
  it('respects offset and length inside a larger buffer, with offsets relative to the frame', () => {
    const frame = hex(FIXTURES.tcp4syn);
    const big = Buffer.alloc(frame.length + 100, 0xee);
    frame.copy(big, 37);
    const f = new DecodedFrame();
    assert.equal(decodeFrame(big, 37, frame.length, f), true);
    assert.equal(f.l4Offset, 34);
    assert.equal(f.dstPort, 80);
  });

  it('reports the truncation of every header as a reason, never a throw', () => {
    const cases: [keyof typeof FIXTURES, number, string][] = [
      ['udp4', 13, 'truncated-ethernet'],
      ['udp4', 14 + 19, 'truncated-ipv4-header'],
      ['dns6vlan', 15, 'truncated-vlan-tag'],
      ['dns6vlan', 18 + 39, 'truncated-ipv6-header'],
      ['dns6vlan', 18 + 40 + 7, 'truncated-ipv6-extension-header'],
      ['arpqinq', 22 + 27, 'truncated-arp'],
    ];
    for (const [name, length, error] of cases) {
      const f = decode(hex(FIXTURES[name]).subarray(0, length));
      assert.equal(f.ok, false, `${name} cut at ${length}`);
      assert.equal(f.error, error, `${name} cut at ${length}`);
    }
  });

  it('decodes a frame whose transport header is cut short, keeping what it holds', () => {
    const udp = decode(hex(FIXTURES.udp4).subarray(0, 34 + 7));
    assert.equal(udp.ok, true);
    assert.equal(udp.transportIssue, 'truncated-udp-header');
    assert.equal(udp.hasPorts, true, 'the ports are the first 4 bytes');
    const tcp = decode(hex(FIXTURES.tcp4syn).subarray(0, 34 + 19));
    assert.equal(tcp.ok, true);
    assert.equal(tcp.transportIssue, 'truncated-tcp-header');
    assert.equal(tcp.dstPort, 80);
    const tcp3 = decode(hex(FIXTURES.tcp4syn).subarray(0, 34 + 3));
    assert.equal(tcp3.transportIssue, 'truncated-tcp-header');
    assert.equal(tcp3.hasPorts, false, '3 bytes do not hold both ports');
    assert.equal(tcp3.protocol, 6);
    const icmp = decode(hex(FIXTURES.icmp6frag).subarray(0, 14 + 40 + 8 + 7));
    assert.equal(icmp.ok, true);
    assert.equal(icmp.transportIssue, 'truncated-icmp-header');
    assert.ok(icmp.icmpType >= 0, 'type and code are the first 2 bytes');
    const whole = decode(hex(FIXTURES.tcp4syn));
    assert.equal(whole.transportIssue, null);
  });

  it('decodes a TCP header whose options the snap length cut, and says so', () => {
    const f = decode(hex(FIXTURES.tcp4syn).subarray(0, 34 + 24));
    assert.equal(f.ok, true);
    assert.equal(f.dstPort, 80);
    assert.equal(f.captureTruncated, true);
  });

  it('rejects bad versions, header lengths and total lengths', () => {
    const badVersion = hex(FIXTURES.udp4);
    badVersion[14] = 0x65;
    assert.equal(decode(badVersion).error, 'ipv4-bad-version');
    const badIhl = hex(FIXTURES.udp4);
    badIhl[14] = 0x44;
    assert.equal(decode(badIhl).error, 'ipv4-bad-header-length');
    const badTotal = hex(FIXTURES.udp4);
    badTotal.writeUInt16BE(19, 16);
    assert.equal(decode(badTotal).error, 'ipv4-bad-total-length');
    const badTcp = hex(FIXTURES.tcp4syn);
    badTcp[34 + 12] = 0x40;
    const tcp = decode(badTcp);
    assert.equal(tcp.ok, true, 'a bad TCP data offset leaves the IP header and the ports readable');
    assert.equal(tcp.transportIssue, 'tcp-bad-data-offset');
    assert.equal(tcp.dstPort, 80);
    const bad6 = hex(FIXTURES.dns6vlan);
    bad6[18] = 0x40;
    assert.equal(decode(bad6).error, 'ipv6-bad-version');
  });

  it('treats an IPv4 total length of 0 as segmentation offload', () => {
    const frame = hex(FIXTURES.udp4);
    frame.writeUInt16BE(0, 16);
    const f = decode(frame);
    assert.equal(f.ok, true);
    assert.equal(f.l3End, frame.length);
  });

  it('ends the IP packet at its total length, ignoring Ethernet padding', () => {
    const frame = Buffer.concat([hex(FIXTURES.tcp4syn), Buffer.alloc(6)]);
    const f = decode(frame);
    assert.equal(f.l3End, 14 + 60);
    assert.equal(f.frameLength, frame.length);
  });

  it('refuses non-IP EtherTypes and more than four tags', () => {
    const lldp = Buffer.concat([Buffer.alloc(12), Buffer.from([0x88, 0xcc]), Buffer.alloc(30)]);
    assert.equal(decode(lldp).error, 'unsupported-ethertype');
    const tags = Buffer.concat([Buffer.alloc(12), Buffer.from('8100000181000002810000038100000481000005', 'hex'), Buffer.from([0x08, 0x00]), Buffer.alloc(40)]);
    assert.equal(decode(tags).error, 'too-many-vlan-tags');
  });

  it('rewrites every field: nothing leaks from one frame to the next', () => {
    const f = new DecodedFrame();
    decode(hex(FIXTURES.dns6vlan), f);
    decode(hex(FIXTURES.frag4), f);
    assert.deepEqual(meaningful(f), meaningful(decode(hex(FIXTURES.frag4))));
    decode(hex(FIXTURES.arpqinq), f);
    decode(hex(FIXTURES.icmp6frag), f);
    assert.deepEqual(meaningful(f), meaningful(decode(hex(FIXTURES.icmp6frag))));
    decode(Buffer.alloc(10), f);
    assert.deepEqual(meaningful(f), meaningful(decode(Buffer.alloc(10))));
  });

  it('walks routing, fragment and authentication headers built by the frame builder', () => {
    const frame = buildIpFrame({
      source: '2001:db8::1',
      destination: '2001:db8::2',
      ipv6: { extensionHeaders: [{ type: 'hop-by-hop' }, { type: 'routing', segmentsLeft: 0 }, { type: 'fragment', offset: 0, moreFragments: true, identification: 9 }, { type: 'destination-options' }] },
      tcp: { sourcePort: 1234, destinationPort: 443 },
    });
    const f = decode(frame);
    assert.equal(f.ok, true);
    assert.equal(f.protocol, 6);
    assert.equal(f.isFragment, true);
    assert.equal(f.dstPort, 443);
    assert.equal(f.l4Offset, 14 + 40 + 8 + 8 + 8 + 8);
    // AH (51): length in 4-byte units minus 2; an AH of 12 bytes then TCP.
    const ah = buildIpFrame({ source: '2001:db8::1', destination: '2001:db8::2', protocol: 51, payload: Buffer.concat([Buffer.from([6, 1, 0, 0]), Buffer.alloc(8), tcpHeaderOnly(5555, 80)]) });
    const g = decode(ah);
    assert.equal(g.ok, true);
    assert.equal(g.protocol, 6);
    assert.deepEqual([g.srcPort, g.dstPort], [5555, 80]);
  });

  it('never throws and never reads past the frame on random bytes and random cuts', () => {
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const f = new DecodedFrame();
    const samples: Uint8Array[] = Object.values(FIXTURES).map(hex);
    samples.push(tcpFrame('10.0.0.1', 1, '10.0.0.2', 2, { ethernet: { vlans: [{ id: 1 }] } }));
    for (let i = 0; i < 5000; i++) {
      const base = samples[i % samples.length]!;
      const frame = Buffer.from(base);
      for (let k = 0; k < 3; k++) frame[Math.floor(random() * frame.length)] = Math.floor(random() * 256);
      const cut = Math.floor(random() * (frame.length + 1));
      const ok = decodeFrame(boundsChecked(frame.subarray(0, cut)), 0, cut, f);
      if (ok) {
        assert.ok(Number.isInteger(f.srcPort) && Number.isInteger(f.dstPort) && Number.isInteger(f.srcIpv4) && Number.isInteger(f.dstIpv4));
        assert.ok(f.l4Offset <= cut && f.payloadOffset <= cut && f.l3End <= cut);
      } else {
        assert.ok(DECODE_ERRORS.includes(f.error!));
      }
    }
  });
});

/** The fields that carry meaning: the tag and IPv6 arrays only up to vlanCount and for family 6. */
function meaningful(f: DecodedFrame): Record<string, unknown> {
  const { vlanTpid, vlanTci, srcIpv6, dstIpv6, ...scalars } = f;
  return {
    ...scalars,
    vlanTpid: [...vlanTpid.subarray(0, f.vlanCount)],
    vlanTci: [...vlanTci.subarray(0, f.vlanCount)],
    srcIpv6: f.family === 6 ? [...srcIpv6] : null,
    dstIpv6: f.family === 6 ? [...dstIpv6] : null,
  };
}

/** A view that throws on any index read at or past its end (a plain one would quietly give undefined, which shifts to 0). */
function boundsChecked(bytes: Uint8Array): Uint8Array {
  return new Proxy(bytes, {
    get(target, property) {
      if (typeof property === 'string') {
        const index = Number(property);
        if (Number.isInteger(index) && index >= target.length) throw new Error(`read at ${index} past the end (${target.length})`);
      }
      return (target as unknown as Record<string | symbol, unknown>)[property];
    },
  });
}

function tcpHeaderOnly(sourcePort: number, destinationPort: number): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(sourcePort, 0);
  header.writeUInt16BE(destinationPort, 2);
  header[12] = 0x50;
  return header;
}
