import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finishChecksum, internetChecksum, onesComplementSum } from './checksum.js';
import { buildArpFrame, buildIpFrame, dhcpDiscover, dnsQuery, icmpEchoFrame, tcpFrame, udpFrame } from './frame-builder.js';
import { DecodedFrame, decodeFrame } from './packet-decoder.js';

/** RFC 1071 the slow way, as a check independent of checksum.ts. */
function naiveSum(parts: Uint8Array[]): number {
  const bytes = Buffer.concat(parts);
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += bytes[i]! * 256 + (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

function decoded(frame: Uint8Array): DecodedFrame {
  const f = new DecodedFrame();
  assert.ok(decodeFrame(frame, 0, frame.length, f), f.error ?? '');
  return f;
}

/** Verifies the IP header checksum and the transport checksum (with its pseudo-header) of a frame. */
function assertChecksumsValid(frame: Buffer): void {
  const f = decoded(frame);
  const ip = frame.subarray(f.l3Offset, f.l3End);
  let pseudo: Buffer;
  const segment = frame.subarray(f.l4Offset, f.l3End);
  if (f.family === 4) {
    const headerLength = (ip[0]! & 0x0f) * 4;
    assert.equal(naiveSum([ip.subarray(0, headerLength)]), 0xffff, 'IPv4 header checksum');
    pseudo = Buffer.concat([ip.subarray(12, 20), Buffer.from([0, f.protocol, segment.length >> 8, segment.length & 0xff])]);
  } else {
    pseudo = Buffer.concat([ip.subarray(8, 40), Buffer.from([0, 0, segment.length >> 8, segment.length & 0xff, 0, 0, 0, f.protocol])]);
  }
  if (f.protocol === 1) assert.equal(naiveSum([segment]), 0xffff, 'ICMP checksum');
  else assert.equal(naiveSum([pseudo, segment]), 0xffff, `protocol ${f.protocol} checksum`);
}

describe('checksum', () => {
  it('matches RFC 1071\'s worked example and handles odd lengths', () => {
    // RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2.
    const bytes = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    assert.equal(finishChecksum(onesComplementSum(bytes, 0, 8)), ~0xddf2 & 0xffff);
    assert.equal(internetChecksum(Uint8Array.from([0x01])), ~0x0100 & 0xffff);
    assert.equal(internetChecksum(new Uint8Array(0)), 0xffff);
  });
});

describe('frame builder', () => {
  it('builds TCP, UDP and ICMP over IPv4 and IPv6 with valid checksums', () => {
    const frames = [
      tcpFrame('10.0.0.5', 40000, '10.0.1.9', 443, { tcp: { flags: 'SA', sequence: 0xffffffff, acknowledgment: 7 }, payload: 'odd' }),
      tcpFrame('2001:db8::5', 40000, '2001:db8::9', 443, { payload: 'hello world' }),
      udpFrame('10.0.0.5', 5000, '10.0.0.2', 53, { payload: dnsQuery('example.com') }),
      udpFrame('2001:db8::5', 5000, 'fd00:ec2::253', 53, { payload: dnsQuery('example.com', { type: 28 }) }),
      icmpEchoFrame('10.0.0.5', '8.8.8.8', { identifier: 9, sequence: 3, payload: 'ping!' }),
      icmpEchoFrame('2001:db8::5', '2001:db8::9', { reply: true }),
      buildIpFrame({ source: '10.0.0.5', destination: '10.0.0.9', ipv4: { options: Uint8Array.of(1, 1, 1) }, udp: { sourcePort: 1, destinationPort: 2 } }),
      buildIpFrame({ source: '2001:db8::5', destination: '2001:db8::9', ipv6: { extensionHeaders: [{ type: 'hop-by-hop' }, { type: 'destination-options', options: Uint8Array.of(1, 0) }] }, udp: { sourcePort: 1, destinationPort: 2 }, payload: 'x' }),
    ];
    for (const frame of frames) assertChecksumsValid(frame);
  });

  it('lays out headers where the decoder expects them', () => {
    const f = decoded(tcpFrame('10.0.0.5', 40000, '10.0.1.9', 443, { ethernet: { source: '02:aa:00:00:00:01', destination: '02:bb:00:00:00:02', vlans: [{ id: 100, priority: 5, tpid: 0x88a8 }, { id: 200 }] }, ipv4: { ttl: 17, dontFragment: true } }));
    assert.equal(f.vlanCount, 2);
    assert.deepEqual([f.vlanTpid[0], f.vlanTci[0], f.vlanTpid[1], f.vlanTci[1]], [0x88a8, (5 << 13) | 100, 0x8100, 200]);
    assert.equal(f.ttl, 17);
    assert.equal(f.dontFragment, true);
    assert.equal(f.tcpFlags, 0x02, 'SYN by default without payload');
    const withPayload = decoded(tcpFrame('10.0.0.5', 1, '10.0.0.9', 2, { payload: 'data' }));
    assert.equal(withPayload.tcpFlags, 0x18, 'PSH+ACK by default with payload');
  });

  it('builds fragments and refuses inconsistent ones', () => {
    const later = decoded(buildIpFrame({ source: '10.0.0.5', destination: '10.0.0.9', protocol: 6, ipv4: { fragmentOffset: 1480, identification: 5 }, payload: new Uint8Array(16) }));
    assert.equal(later.fragmentOffset, 1480);
    assert.equal(later.hasPorts, false);
    const later6 = decoded(buildIpFrame({ source: '2001:db8::5', destination: '2001:db8::9', protocol: 17, ipv6: { extensionHeaders: [{ type: 'fragment', offset: 2048 }] }, payload: new Uint8Array(16) }));
    assert.equal(later6.fragmentOffset, 2048);
    assert.throws(() => buildIpFrame({ source: '10.0.0.5', destination: '10.0.0.9', ipv4: { fragmentOffset: 8 }, udp: { sourcePort: 1, destinationPort: 2 } }), /non-first fragment/);
    assert.throws(() => buildIpFrame({ source: '10.0.0.5', destination: '10.0.0.9', ipv4: { fragmentOffset: 3 }, protocol: 17 }), /fragment offset/);
    assert.throws(() => buildIpFrame({ source: '10.0.0.5', destination: '2001:db8::9', protocol: 17 }), /different families/);
    assert.throws(() => buildIpFrame({ source: '10.0.0.5', destination: '10.0.0.9', tcp: { sourcePort: 1, destinationPort: 2 }, udp: { sourcePort: 1, destinationPort: 2 } }), /at most one/);
  });

  it('builds ARP, DHCP and DNS payloads as their RFCs lay them out', () => {
    const arp = buildArpFrame({ senderMac: '02:00:00:00:00:09', senderIp: '10.0.0.9', targetIp: '10.0.0.5' });
    assert.equal(arp.toString('hex'), 'ffffffffffff' + '020000000009' + '0806' + '0001080006040001' + '020000000009' + '0a000009' + '000000000000' + '0a000005');
    const dhcp = Buffer.from(dhcpDiscover('02:00:00:00:00:09', 0x01020304));
    assert.equal(dhcp.length, 244);
    assert.deepEqual([dhcp[0], dhcp[1], dhcp[2], dhcp.readUInt32BE(4), dhcp.readUInt32BE(236)], [1, 1, 6, 0x01020304, 0x63825363]);
    assert.equal(dhcp.subarray(28, 34).toString('hex'), '020000000009');
    assert.deepEqual([...dhcp.subarray(240)], [53, 1, 1, 255]);
    const dns = Buffer.from(dnsQuery('www.example.com', { id: 0xbeef }));
    assert.equal(dns.toString('hex'), 'beef01000001000000000000' + '03777777076578616d706c6503636f6d00' + '00010001');
  });
});
