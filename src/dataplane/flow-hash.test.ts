import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIpv4, parseIpv6 } from '../net/cidr.js';
import { FLOW_PORT_MAX, FLOW_PORT_MIN, flowSourcePort, fnv1a32, foldToFlowPort } from './flow-hash.js';
import { buildArpFrame, buildIpFrame, icmpEchoFrame, tcpFrame, udpFrame } from './frame-builder.js';
import { DecodedFrame, decodeFrame } from './packet-decoder.js';

function portOf(frame: Uint8Array): number {
  const f = new DecodedFrame();
  decodeFrame(frame, 0, frame.length, f);
  return flowSourcePort(f);
}

const be32 = (value: number) => [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
const be16 = (value: number) => [value >>> 8, value & 0xff];
const v6bytes = (text: string) => [...parseIpv6(text)!].flatMap(be32);

describe('flowSourcePort', () => {
  it('is FNV-1a over the ordered 5-tuple, xor-folded into 49152-65535, exactly as documented', () => {
    // 10.0.0.5:40000 -> 10.0.1.9:443 TCP. 10.0.0.5 < 10.0.1.9, so the source endpoint goes first.
    const bytes = [...be32(parseIpv4('10.0.0.5')), ...be32(parseIpv4('10.0.1.9')), 6, ...be16(40000), ...be16(443)];
    const h = fnv1a32(bytes);
    assert.equal(portOf(tcpFrame('10.0.0.5', 40000, '10.0.1.9', 443)), 49152 + ((h ^ (h >>> 14)) & 0x3fff));
    // The reply orders its endpoints the same way.
    assert.equal(portOf(tcpFrame('10.0.1.9', 443, '10.0.0.5', 40000)), 49152 + ((h ^ (h >>> 14)) & 0x3fff));
  });

  it('hashes IPv6 addresses as 16 bytes each', () => {
    const bytes = [...v6bytes('2001:db8::5'), ...v6bytes('2001:db8::9'), 17, ...be16(5353), ...be16(53)];
    const h = fnv1a32(bytes);
    assert.equal(portOf(udpFrame('2001:db8::9', 53, '2001:db8::5', 5353)), foldToFlowPort(h));
  });

  it('uses the 3-tuple for packets without ports', () => {
    const fragment = buildIpFrame({ source: '10.0.0.9', destination: '10.0.0.5', protocol: 17, ipv4: { fragmentOffset: 8 }, payload: new Uint8Array(8) });
    const h = fnv1a32([...be32(parseIpv4('10.0.0.5')), ...be32(parseIpv4('10.0.0.9')), 17]);
    assert.equal(portOf(fragment), foldToFlowPort(h));
    const gre = buildIpFrame({ source: '10.0.0.5', destination: '10.0.0.9', protocol: 47, payload: 'x' });
    assert.equal(portOf(gre), foldToFlowPort(fnv1a32([...be32(parseIpv4('10.0.0.5')), ...be32(parseIpv4('10.0.0.9')), 47])));
  });

  it('sends every fragment of one datagram, the first included, on the 3-tuple port', () => {
    const threeTuple = foldToFlowPort(fnv1a32([...be32(parseIpv4('10.0.0.5')), ...be32(parseIpv4('10.0.0.9')), 17]));
    const first = udpFrame('10.0.0.9', 4500, '10.0.0.5', 4500, { ipv4: { moreFragments: true, identification: 7 }, payload: new Uint8Array(1472) });
    const middle = buildIpFrame({ source: '10.0.0.9', destination: '10.0.0.5', protocol: 17, ipv4: { moreFragments: true, identification: 7, fragmentOffset: 1480 }, payload: new Uint8Array(1480) });
    const last = buildIpFrame({ source: '10.0.0.9', destination: '10.0.0.5', protocol: 17, ipv4: { identification: 7, fragmentOffset: 2960 }, payload: new Uint8Array(100) });
    assert.deepEqual([portOf(first), portOf(middle), portOf(last)], [threeTuple, threeTuple, threeTuple]);
    const whole = udpFrame('10.0.0.9', 4500, '10.0.0.5', 4500, { payload: new Uint8Array(100) });
    assert.equal(portOf(whole), foldToFlowPort(fnv1a32([...be32(parseIpv4('10.0.0.5')), ...be32(parseIpv4('10.0.0.9')), 17, ...be16(4500), ...be16(4500)])), 'an unfragmented packet keeps the 5-tuple');
    const first6 = udpFrame('2001:db8::9', 4500, '2001:db8::5', 4500, { ipv6: { extensionHeaders: [{ type: 'fragment', moreFragments: true, identification: 9 }] }, payload: new Uint8Array(64) });
    const later6 = buildIpFrame({ source: '2001:db8::9', destination: '2001:db8::5', protocol: 17, ipv6: { extensionHeaders: [{ type: 'fragment', offset: 1448, identification: 9 }] }, payload: new Uint8Array(64) });
    assert.equal(portOf(first6), portOf(later6));
  });

  it('uses the echo identifier as both ports for ICMP, so request and reply agree', () => {
    const request = icmpEchoFrame('10.0.0.5', '8.8.8.8', { identifier: 777, sequence: 1 });
    const reply = icmpEchoFrame('8.8.8.8', '10.0.0.5', { identifier: 777, sequence: 1, reply: true });
    const h = fnv1a32([...be32(parseIpv4('8.8.8.8')), ...be32(parseIpv4('10.0.0.5')), 1, ...be16(777), ...be16(777)]);
    assert.equal(portOf(request), foldToFlowPort(h));
    assert.equal(portOf(reply), foldToFlowPort(h));
    assert.notEqual(portOf(icmpEchoFrame('10.0.0.5', '8.8.8.8', { identifier: 778 })), portOf(request));
    const unreachable = buildIpFrame({ source: '10.0.0.1', destination: '10.0.0.5', icmp: { type: 3, code: 3 } });
    assert.equal(portOf(unreachable), foldToFlowPort(fnv1a32([...be32(parseIpv4('10.0.0.1')), ...be32(parseIpv4('10.0.0.5')), 1, 0, 0, 0, 0])));
  });

  it('is the same for every frame of a flow, whatever the payload, flags, VLAN or TTL', () => {
    const port = portOf(tcpFrame('10.0.0.5', 40000, '10.0.1.9', 443, { tcp: { flags: 'S' } }));
    assert.equal(portOf(tcpFrame('10.0.0.5', 40000, '10.0.1.9', 443, { tcp: { flags: 'PA', sequence: 99 }, payload: 'GET / HTTP/1.1' })), port);
    assert.equal(portOf(tcpFrame('10.0.0.5', 40000, '10.0.1.9', 443, { ethernet: { vlans: [{ id: 7 }] }, ipv4: { ttl: 3 } })), port);
    assert.notEqual(portOf(udpFrame('10.0.0.5', 40000, '10.0.1.9', 443)), port, 'the protocol is part of the tuple');
  });

  it('stays in 49152-65535 and spreads flows over the range', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const port = portOf(udpFrame(`10.0.${i >> 8}.${i & 0xff}`, 1024 + i, '10.1.0.1', 4789));
      assert.ok(port >= FLOW_PORT_MIN && port <= FLOW_PORT_MAX, String(port));
      seen.add(port);
    }
    // 5000 balls into 16384 bins: about 4300 distinct values are expected from a uniform hash.
    assert.ok(seen.size > 4000, `only ${seen.size} distinct ports`);
    for (const h of [0, 1, 0x3fff, 0x4000, 0xffffffff, 0x80000000]) {
      const port = foldToFlowPort(h);
      assert.ok(port >= FLOW_PORT_MIN && port <= FLOW_PORT_MAX);
    }
  });

  it('hashes the EtherType of a non-IP frame', () => {
    const arp = buildArpFrame({ senderMac: '02:00:00:00:00:01', senderIp: '10.0.0.1', targetIp: '10.0.0.2' });
    assert.equal(portOf(arp), foldToFlowPort(fnv1a32([0x08, 0x06])));
  });
});
