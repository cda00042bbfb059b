import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FilterConfig, MirrorConfig, RuleConfig, SessionConfig } from './config.js';
import { MirrorConfigError } from './config.js';
import { flowSourcePort } from './flow-hash.js';
import { buildArpFrame, buildIpFrame, dhcpDiscover, dnsQuery, icmpEchoFrame, tcpFrame, udpFrame } from './frame-builder.js';
import { MirrorEngine } from './mirror-engine.js';
import { NOT_MIRRORED_REASON_NAMES, NOT_MIRRORED_REASONS } from './mirror-reasons.js';
import { DecodedFrame, decodeFrame } from './packet-decoder.js';
import { decodeVxlan, MTU_BUDGET_GAP } from './vxlan.js';

const ENI = { id: 'eni-a', mac: '02:00:00:00:00:0a', primary: '10.0.1.10', secondary: '10.0.1.11', ipv6: '2001:db8:1::a' };

let ruleIds = 0;
function rule(ruleNumber: number, direction: 'ingress' | 'egress', action: 'accept' | 'reject', extra: Partial<RuleConfig> = {}): RuleConfig {
  return { ruleId: `tmfr-${++ruleIds}`, ruleNumber, direction, action, sourceCidr: '0.0.0.0/0', destinationCidr: '0.0.0.0/0', ...extra };
}

/** Accepts all IPv4 and IPv6 traffic in both directions. */
function acceptAll(): RuleConfig[] {
  return [
    rule(100, 'ingress', 'accept'),
    rule(100, 'egress', 'accept'),
    rule(101, 'ingress', 'accept', { sourceCidr: '::/0', destinationCidr: '::/0' }),
    rule(101, 'egress', 'accept', { sourceCidr: '::/0', destinationCidr: '::/0' }),
  ];
}

function filter(filterId: string, rules: RuleConfig[], networkServices: string[] = []): FilterConfig {
  return { filterId, networkServices, rules };
}

function session(sessionId: string, sessionNumber: number, filterId: string, extra: Partial<SessionConfig> = {}): SessionConfig {
  return { sessionId, sessionNumber, networkInterfaceId: ENI.id, filterId, targetId: 'tmt-eni', virtualNetworkId: sessionNumber * 1000, ...extra };
}

function config(filters: FilterConfig[], sessions: SessionConfig[]): MirrorConfig {
  return {
    enis: [
      { networkInterfaceId: ENI.id, macAddress: ENI.mac, primaryIpv4: ENI.primary, ipv4Addresses: [ENI.primary, ENI.secondary], ipv6Addresses: [ENI.ipv6], vpcIpv4Cidrs: ['10.0.0.0/16', '100.64.0.0/16'], mtu: 9001 },
      { networkInterfaceId: 'eni-b', macAddress: '02:00:00:00:00:0b', primaryIpv4: '10.0.1.20', ipv4Addresses: [], ipv6Addresses: [], vpcIpv4Cidrs: ['10.0.0.0/16'], mtu: 9001 },
    ],
    filters,
    targets: [
      { targetId: 'tmt-eni', type: 'network-interface', address: '10.0.2.20', macAddress: '02:00:00:00:00:20', mtu: 1500 },
      { targetId: 'tmt-nlb', type: 'network-load-balancer', address: '10.0.3.30', macAddress: '02:00:00:00:00:fe' },
      { targetId: 'tmt-default-mtu', type: 'network-interface', address: '10.0.2.21', macAddress: '02:00:00:00:00:21' },
      { targetId: 'tmt-gwlbe', type: 'gateway-load-balancer-endpoint', address: '10.0.3.31', macAddress: '02:00:00:00:00:fe' },
    ],
    sessions,
  };
}

/** One session, number 1, whose filter accepts everything. */
function acceptAllEngine(networkServices: string[] = []): MirrorEngine {
  return MirrorEngine.compile(config([filter('tmf-all', acceptAll(), networkServices)], [session('tms-1', 1, 'tmf-all')]));
}

function decide(engine: MirrorEngine, frame: Uint8Array, eniId = ENI.id) {
  return engine.decide(engine.eniIndex(eniId), frame, 0, frame.length);
}

describe('MirrorEngine: direction', () => {
  const engine = acceptAllEngine();
  it('is ingress when the destination is one of the ENI\'s addresses', () => {
    assert.equal(decide(engine, tcpFrame('1.2.3.4', 5000, ENI.primary, 443)).direction, 'ingress');
    assert.equal(decide(engine, tcpFrame('1.2.3.4', 5000, ENI.secondary, 443)).direction, 'ingress');
    assert.equal(decide(engine, tcpFrame('2001:db8::99', 5000, ENI.ipv6, 443)).direction, 'ingress');
  });
  it('is egress when the source is', () => {
    assert.equal(decide(engine, tcpFrame(ENI.primary, 5000, '1.2.3.4', 443)).direction, 'egress');
    assert.equal(decide(engine, udpFrame(ENI.secondary, 5000, '1.2.3.4', 443)).direction, 'egress');
    assert.equal(decide(engine, tcpFrame(ENI.ipv6, 5000, '2001:db8::99', 443)).direction, 'egress');
  });
  it('is egress when both are', () => {
    const decision = decide(engine, tcpFrame(ENI.primary, 5000, ENI.secondary, 443));
    assert.equal(decision.direction, 'egress');
    assert.equal(decision.mirrored, true);
  });
  it('is nothing, and nothing is mirrored, when neither is', () => {
    for (const frame of [tcpFrame('1.2.3.4', 1, '5.6.7.8', 2), tcpFrame('2001:db8::1', 1, '2001:db8::2', 2), udpFrame('10.0.1.12', 1, '10.0.1.255', 2)]) {
      const decision = decide(engine, frame);
      assert.equal(decision.mirrored, false);
      assert.equal(decision.reason, 'not-eni-traffic');
      assert.equal(decision.direction, null);
    }
  });
  it('uses ingress rules for received traffic and egress rules for sent traffic', () => {
    const inbound = rule(10, 'ingress', 'accept');
    const e = MirrorEngine.compile(config([filter('tmf-in', [inbound])], [session('tms-1', 1, 'tmf-in')]));
    assert.equal(decide(e, tcpFrame('1.2.3.4', 1, ENI.primary, 2)).ruleId, inbound.ruleId);
    assert.equal(decide(e, tcpFrame(ENI.primary, 2, '1.2.3.4', 1)).reason, 'no-rule-matched');
  });
});

describe('MirrorEngine: traffic that is never mirrored', () => {
  const engine = acceptAllEngine(['amazon-dns']);
  const cases: [string, Uint8Array, string][] = [
    ['ARP request for the ENI', buildArpFrame({ senderMac: '02:00:00:00:00:99', senderIp: '10.0.1.99', targetIp: ENI.primary }), 'never-mirrored:arp'],
    ['ARP reply from the ENI', buildArpFrame({ operation: 2, senderMac: ENI.mac, senderIp: ENI.primary, targetMac: '02:00:00:00:00:99', targetIp: '10.0.1.99' }), 'never-mirrored:arp'],
    ['DHCP discover from 0.0.0.0', udpFrame('0.0.0.0', 68, '255.255.255.255', 67, { payload: dhcpDiscover(ENI.mac) }), 'never-mirrored:dhcp'],
    ['DHCP offer to the ENI', udpFrame('10.0.0.1', 67, ENI.primary, 68), 'never-mirrored:dhcp'],
    ['DHCPv6 solicit', udpFrame('fe80::a', 546, 'ff02::1:2', 547), 'never-mirrored:dhcp'],
    ['DHCPv6 reply to the ENI', udpFrame('fe80::1', 547, ENI.ipv6, 546), 'never-mirrored:dhcp'],
    ['metadata request', tcpFrame(ENI.primary, 40000, '169.254.169.254', 80), 'never-mirrored:metadata'],
    ['metadata response', tcpFrame('169.254.169.254', 80, ENI.primary, 40000), 'never-mirrored:metadata'],
    ['IPv6 metadata', tcpFrame(ENI.ipv6, 40000, 'fd00:ec2::254', 80), 'never-mirrored:metadata'],
    ['NTP to Time Sync', udpFrame(ENI.primary, 123, '169.254.169.123', 123), 'never-mirrored:ntp'],
    ['NTP reply', udpFrame('169.254.169.123', 123, ENI.primary, 123), 'never-mirrored:ntp'],
    ['IPv6 Time Sync', udpFrame(ENI.ipv6, 123, 'fd00:ec2::123', 123), 'never-mirrored:ntp'],
    ['any traffic to the metadata address', icmpEchoFrame(ENI.primary, '169.254.169.254'), 'never-mirrored:metadata'],
    ['Windows activation', tcpFrame(ENI.primary, 49999, '169.254.169.250', 1688), 'never-mirrored:kms-activation'],
    ['Windows activation reply', tcpFrame('169.254.169.251', 1688, ENI.primary, 49999), 'never-mirrored:kms-activation'],
    ['IPv6 Windows activation', tcpFrame(ENI.ipv6, 49999, 'fd00:ec2::250', 1688), 'never-mirrored:kms-activation'],
  ];
  for (const [name, frame, reason] of cases) {
    it(`${name}: ${reason}`, () => {
      const decision = decide(engine, frame);
      assert.equal(decision.mirrored, false);
      assert.equal(decision.reason, reason);
    });
  }
  it('mirrors UDP 1688, TCP 1688 to a customer\'s own KMS host, NTP to other servers and DHCP-port lookalikes over TCP', () => {
    assert.equal(decide(engine, udpFrame(ENI.primary, 49999, '52.1.2.3', 1688)).mirrored, true);
    assert.equal(decide(engine, tcpFrame(ENI.primary, 49999, '10.0.2.50', 1688)).mirrored, true);
    assert.equal(decide(engine, tcpFrame('52.1.2.3', 1688, ENI.primary, 49999)).mirrored, true);
    assert.equal(decide(engine, udpFrame(ENI.primary, 123, '129.6.15.28', 123)).mirrored, true);
    assert.equal(decide(engine, tcpFrame(ENI.primary, 67, '52.1.2.3', 68)).mirrored, true);
  });
});

describe('MirrorEngine: Amazon DNS', () => {
  const queries: [string, Uint8Array][] = [
    ['UDP query to VPC base + 2', udpFrame(ENI.primary, 53000, '10.0.0.2', 53, { payload: dnsQuery('example.com') })],
    ['TCP query to VPC base + 2', tcpFrame(ENI.primary, 53000, '10.0.0.2', 53)],
    ['query to a secondary VPC CIDR base + 2', udpFrame(ENI.primary, 53000, '100.64.0.2', 53)],
    ['query to 169.254.169.253', udpFrame(ENI.primary, 53000, '169.254.169.253', 53)],
    ['IPv6 query to fd00:ec2::253', udpFrame(ENI.ipv6, 53000, 'fd00:ec2::253', 53)],
    ['response from the resolver', udpFrame('10.0.0.2', 53, ENI.primary, 53000, { payload: dnsQuery('example.com') })],
    ['IPv6 response', udpFrame('fd00:ec2::253', 53, ENI.ipv6, 53000)],
    // A large answer in fragments: they go together, though only the first has ports.
    ['first fragment of a response', udpFrame('10.0.0.2', 53, ENI.primary, 53000, { ipv4: { moreFragments: true, identification: 3 }, payload: new Uint8Array(1472) })],
    ['later fragment of a response', buildIpFrame({ source: '10.0.0.2', destination: ENI.primary, protocol: 17, ipv4: { identification: 3, fragmentOffset: 1480 }, payload: new Uint8Array(200) })],
    ['later IPv6 fragment of a response', buildIpFrame({ source: 'fd00:ec2::253', destination: ENI.ipv6, protocol: 17, ipv6: { extensionHeaders: [{ type: 'fragment', offset: 1448 }] }, payload: new Uint8Array(200) })],
  ];

  it('is not mirrored without amazon-dns, even by an accept-all filter', () => {
    const engine = acceptAllEngine();
    for (const [name, frame] of queries) {
      const decision = decide(engine, frame);
      assert.equal(decision.mirrored, false, name);
      assert.equal(decision.reason, 'amazon-dns-not-enabled', name);
      assert.equal(decision.amazonDns, true, name);
    }
  });

  it('is mirrored in both directions with amazon-dns, whatever the rules say', () => {
    for (const rules of [acceptAll(), [], [rule(1, 'egress', 'reject'), rule(1, 'ingress', 'reject')]]) {
      const engine = MirrorEngine.compile(config([filter('tmf-dns', rules, ['amazon-dns'])], [session('tms-1', 1, 'tmf-dns')]));
      for (const [name, frame] of queries) {
        const decision = decide(engine, frame);
        assert.equal(decision.mirrored, true, name);
        assert.equal(decision.service, 'amazon-dns', name);
        assert.equal(decision.ruleId, null, name);
        assert.equal(decision.sessionId, 'tms-1', name);
      }
    }
  });

  it('goes to the first session whose filter has amazon-dns', () => {
    const engine = MirrorEngine.compile(
      config([filter('tmf-all', acceptAll()), filter('tmf-dns', [], ['amazon-dns'])], [session('tms-1', 1, 'tmf-all'), session('tms-2', 2, 'tmf-dns')]),
    );
    const decision = decide(engine, queries[0]![1]);
    assert.equal(decision.sessionId, 'tms-2');
    assert.deepEqual([...engine.lastOutcome], [5, 4], 'amazon-dns-not-enabled, then amazon-dns');
  });

  it('leaves other DNS to the rules', () => {
    const engine = acceptAllEngine();
    for (const frame of [udpFrame(ENI.primary, 53000, '8.8.8.8', 53), udpFrame(ENI.primary, 53000, '10.0.0.3', 53), tcpFrame(ENI.primary, 53000, '10.0.0.2', 80), udpFrame(ENI.primary, 53, '10.0.0.2', 5353)]) {
      const decision = decide(engine, frame);
      assert.equal(decision.amazonDns, false);
      assert.equal(decision.mirrored, true);
      assert.notEqual(decision.ruleId, null);
    }
  });
});

describe('MirrorEngine: sessions', () => {
  const http = rule(10, 'egress', 'accept', { protocol: 6, destinationPorts: { from: 80, to: 80 } });
  const rejectSsh = rule(10, 'egress', 'reject', { protocol: 6, destinationPorts: { from: 22, to: 22 } });
  const allTcp = rule(20, 'egress', 'accept', { protocol: 6 });
  const udpOnly = rule(10, 'egress', 'accept', { protocol: 17 });
  const filters = [filter('tmf-http', [http]), filter('tmf-tcp', [rejectSsh, allTcp]), filter('tmf-udp', [udpOnly])];
  // Given out of order on purpose: evaluation follows SessionNumber.
  const sessions = [session('tms-tcp', 20, 'tmf-tcp'), session('tms-udp', 30, 'tmf-udp'), session('tms-http', 10, 'tmf-http')];

  it('evaluates sessions by ascending SessionNumber: the first that accepts mirrors', () => {
    const engine = MirrorEngine.compile(config(filters, sessions));
    const http80 = decide(engine, tcpFrame(ENI.primary, 40000, '1.2.3.4', 80));
    assert.equal(http80.sessionId, 'tms-http');
    assert.equal(http80.ruleId, http.ruleId);
    assert.equal(http80.virtualNetworkId, 10000);
    assert.equal(http80.targetId, 'tmt-eni');
    assert.equal(http80.filterId, 'tmf-http');
    assert.deepEqual([...engine.lastOutcome], [1, 0, 0], 'accepted, then not evaluated');
    const https = decide(engine, tcpFrame(ENI.primary, 40000, '1.2.3.4', 443));
    assert.equal(https.sessionId, 'tms-tcp', 'no match in session 10 passes to session 20');
    assert.equal(https.ruleId, allTcp.ruleId);
    assert.equal(https.ruleNumber, 20);
  });

  it('passes a reject match to the next session', () => {
    const engine = MirrorEngine.compile(config(filters, sessions));
    const ssh = decide(engine, tcpFrame(ENI.primary, 40000, '1.2.3.4', 22));
    assert.equal(ssh.mirrored, false);
    assert.equal(ssh.reason, 'rejected');
    assert.deepEqual([...engine.lastOutcome], [3, 2, 3], 'no match, rejected, no match');
    const rejectThenAccept = MirrorEngine.compile(config([filter('tmf-reject', [rule(1, 'egress', 'reject')]), filter('tmf-all', acceptAll())], [session('tms-1', 1, 'tmf-reject'), session('tms-2', 2, 'tmf-all')]));
    assert.equal(decide(rejectThenAccept, udpFrame(ENI.primary, 1, '1.2.3.4', 2)).sessionId, 'tms-2');
  });

  it('says no-rule-matched when no filter matched at all', () => {
    const engine = MirrorEngine.compile(config(filters, sessions));
    const icmp = decide(engine, icmpEchoFrame(ENI.primary, '1.2.3.4'));
    assert.equal(icmp.reason, 'no-rule-matched');
    assert.deepEqual([...engine.lastOutcome], [3, 3, 3]);
  });

  it('mirrors each packet once and counts per session and per rule', () => {
    const engine = MirrorEngine.compile(config(filters, sessions));
    const frames = [tcpFrame(ENI.primary, 1, '1.2.3.4', 80), tcpFrame(ENI.primary, 1, '1.2.3.4', 443), tcpFrame(ENI.primary, 1, '1.2.3.4', 22), udpFrame(ENI.primary, 1, '1.2.3.4', 9), icmpEchoFrame(ENI.primary, '1.2.3.4'), buildArpFrame({ senderMac: ENI.mac, senderIp: ENI.primary, targetIp: '10.0.1.1' })];
    for (let round = 0; round < 3; round++) for (const frame of frames) decide(engine, frame);
    const counters = engine.counters();
    assert.equal(counters.framesEvaluated, 18);
    assert.equal(counters.framesMirrored, 9);
    assert.deepEqual(counters.sessions, {
      'tms-http': { packets: 3, bytes: 3 * frames[0]!.length },
      'tms-tcp': { packets: 3, bytes: 3 * frames[1]!.length },
      'tms-udp': { packets: 3, bytes: 3 * frames[3]!.length },
    });
    assert.equal(counters.rules[rejectSsh.ruleId]!.packets, 3, 'reject matches are counted');
    assert.equal(counters.rules[allTcp.ruleId]!.packets, 3);
    assert.equal(counters.rules[http.ruleId]!.packets, 3);
    assert.deepEqual(counters.notMirrored, { rejected: 3, 'no-rule-matched': 3, 'never-mirrored:arp': 3 });
    const mirroredBySessions = Object.values(counters.sessions).reduce((sum, c) => sum + c.packets, 0);
    assert.equal(mirroredBySessions, counters.framesMirrored);
    engine.resetCounters();
    assert.deepEqual(engine.counters().notMirrored, {});
    assert.equal(engine.counters().sessions['tms-http']!.packets, 0);
  });

  it('evaluate() decides the same as decide() without counting', () => {
    const engine = MirrorEngine.compile(config(filters, sessions));
    const frame = tcpFrame(ENI.primary, 1, '1.2.3.4', 443);
    assert.equal(engine.evaluate(0, frame, 0, frame.length).sessionId, 'tms-tcp');
    assert.equal(engine.counters().framesEvaluated, 0);
  });

  it('reports no-session, unknown-eni and undecodable frames', () => {
    const engine = MirrorEngine.compile(config(filters, sessions));
    assert.equal(decide(engine, tcpFrame('10.0.1.20', 1, '1.2.3.4', 80), 'eni-b').reason, 'no-session');
    assert.equal(engine.eniIndex('eni-nope'), -1);
    assert.equal(engine.decide(-1, new Uint8Array(60), 0, 60).reason, 'unknown-eni');
    assert.equal(decide(engine, new Uint8Array(10)).reason, 'undecodable:truncated-ethernet');
    assert.equal(decide(engine, tcpFrame(ENI.primary, 1, '1.2.3.4', 80).subarray(0, 30)).reason, 'undecodable:truncated-ipv4-header');
  });

  it('decides a frame whose transport header is cut short on what it holds', () => {
    const engine = MirrorEngine.compile(config(filters, sessions));
    // 6 bytes of TCP header hold the ports: tmf-tcp's reject rule for port 22 applies.
    const ssh = tcpFrame(ENI.primary, 1, '1.2.3.4', 22);
    const withPorts = decide(engine, ssh.subarray(0, 40));
    assert.equal(engine.frame.transportIssue, 'truncated-tcp-header');
    assert.equal(withPorts.reason, 'rejected');
    // 2 bytes hold no ports: only rules without a port range can match, here tmf-tcp's accept-all-TCP.
    const withoutPorts = decide(engine, ssh.subarray(0, 36));
    assert.equal(engine.frame.hasPorts, false);
    assert.equal(withoutPorts.sessionId, 'tms-tcp');
    assert.equal(withoutPorts.ruleId, allTcp.ruleId);
  });
});

describe('MirrorEngine: encapsulation', () => {
  function mirror(engine: MirrorEngine, frame: Uint8Array) {
    const decision = decide(engine, frame);
    assert.equal(decision.mirrored, true, decision.reason ?? '');
    const out = new Uint8Array(engine.maxEncapsulatedLength(frame.length));
    const written = engine.encapsulate(out, 0, frame, 0, frame.length);
    assert.equal(written, engine.encapsulatedLength(frame.length));
    const result = decodeVxlan(out.subarray(0, written));
    assert.ok(result.ok);
    return result.value;
  }

  it('sends from the ENI\'s MAC and primary address to the target with the session\'s VNI', () => {
    const engine = acceptAllEngine();
    const frame = tcpFrame('1.2.3.4', 443, ENI.secondary, 40000, { ethernet: { vlans: [{ id: 33 }] }, payload: 'hello' });
    const outer = mirror(engine, frame);
    assert.equal(outer.sourceMac, ENI.mac);
    assert.equal(outer.destinationMac, '02:00:00:00:00:20');
    assert.equal(outer.sourceIpv4, ENI.primary, 'the primary address even for traffic of a secondary one');
    assert.equal(outer.destinationIpv4, '10.0.2.20');
    assert.equal(outer.vni, 1000);
    assert.equal(outer.ipChecksumValid, true);
    assert.deepEqual(Buffer.from(outer.inner), frame, 'the original frame, VLAN tag included');
  });

  it('uses one UDP source port per flow, in both directions, and the documented hash', () => {
    const engine = acceptAllEngine();
    const out = tcpFrame(ENI.primary, 40000, '1.2.3.4', 443, { payload: 'a' });
    const back = tcpFrame('1.2.3.4', 443, ENI.primary, 40000, { payload: 'bb', tcp: { flags: 'A' } });
    const port = mirror(engine, out).sourcePort;
    assert.equal(mirror(engine, back).sourcePort, port);
    const f = new DecodedFrame();
    decodeFrame(out, 0, out.length, f);
    assert.equal(port, flowSourcePort(f));
    assert.ok(port >= 49152 && port <= 65535);
    assert.notEqual(mirror(engine, tcpFrame(ENI.primary, 40001, '1.2.3.4', 443)).sourcePort, port);
  });

  it('truncates to PacketLength, then to an ENI target\'s or a GWLB endpoint\'s MTU, but not for an NLB', () => {
    const frame = udpFrame(ENI.primary, 1, '1.2.3.4', 2, { payload: new Uint8Array(4000) });
    const eniTarget = MirrorEngine.compile(config([filter('tmf-all', acceptAll())], [session('tms-1', 1, 'tmf-all')]));
    assert.equal(mirror(eniTarget, frame).ipTotalLength, 1500 - MTU_BUDGET_GAP);
    const defaultMtu = MirrorEngine.compile(config([filter('tmf-all', acceptAll())], [session('tms-1', 1, 'tmf-all', { targetId: 'tmt-default-mtu' })]));
    const jumbo = udpFrame(ENI.primary, 1, '1.2.3.4', 2, { payload: new Uint8Array(9500) });
    assert.equal(mirror(defaultMtu, jumbo).ipTotalLength, 9001 - MTU_BUDGET_GAP);
    const gwlb = MirrorEngine.compile(config([filter('tmf-all', acceptAll())], [session('tms-1', 1, 'tmf-all', { targetId: 'tmt-gwlbe' })]));
    assert.equal(mirror(gwlb, jumbo).ipTotalLength, 8500 - MTU_BUDGET_GAP);
    const nlb = MirrorEngine.compile(config([filter('tmf-all', acceptAll())], [session('tms-1', 1, 'tmf-all', { targetId: 'tmt-nlb' })]));
    assert.equal(mirror(nlb, jumbo).inner.length, jumbo.length);
    const cut = MirrorEngine.compile(config([filter('tmf-all', acceptAll())], [session('tms-1', 1, 'tmf-all', { packetLength: 100, targetId: 'tmt-nlb' })]));
    const outer = mirror(cut, frame);
    assert.equal(outer.inner.length, 100);
    assert.equal(outer.udpLength, 116);
    assert.deepEqual(Buffer.from(outer.inner), frame.subarray(0, 100));
  });

  it('writes nothing for a frame it did not mirror', () => {
    const engine = acceptAllEngine();
    const frame = buildArpFrame({ senderMac: ENI.mac, senderIp: ENI.primary, targetIp: '10.0.1.1' });
    decide(engine, frame);
    const out = new Uint8Array(200);
    assert.equal(engine.encapsulate(out, 0, frame, 0, frame.length), 0);
    assert.equal(engine.encapsulatedLength(frame.length), 0);
    assert.ok(out.every((b) => b === 0));
  });
});

describe('MirrorEngine.compile', () => {
  const base = () => config([filter('tmf-all', acceptAll())], [session('tms-1', 1, 'tmf-all')]);
  it('refuses snapshots with dangling references or bad values', () => {
    const broken: [string, (c: MirrorConfig) => void][] = [
      ['unknown filter', (c) => (c.sessions[0]!.filterId = 'tmf-nope')],
      ['unknown target', (c) => (c.sessions[0]!.targetId = 'tmt-nope')],
      ['unknown ENI', (c) => (c.sessions[0]!.networkInterfaceId = 'eni-nope')],
      ['duplicate SessionNumber', (c) => c.sessions.push(session('tms-2', 1, 'tmf-all'))],
      ['VNI too large', (c) => (c.sessions[0]!.virtualNetworkId = 1 << 24)],
      ['PacketLength 0', (c) => (c.sessions[0]!.packetLength = 0)],
      ['unknown network service', (c) => (c.filters[0]!.networkServices = ['amazon-ntp'])],
      ['bad ENI address', (c) => (c.enis[0]!.ipv4Addresses = ['10.0.1.300'])],
      ['bad ENI IPv6 address', (c) => (c.enis[0]!.ipv6Addresses = ['2001:db8::g'])],
      ['bad VPC CIDR', (c) => (c.enis[0]!.vpcIpv4Cidrs = ['10.0.0.0'])],
      ['bad target address', (c) => (c.targets[0]!.address = 'example.com')],
      ['target MTU too small', (c) => (c.targets[0]!.mtu = 40)],
      ['bad rule CIDR', (c) => (c.filters[0]!.rules[0]!.sourceCidr = '10.0.0.0/99')],
      ['rule ID reused across filters', (c) => c.filters.push(filter('tmf-2', [{ ...c.filters[0]!.rules[0]! }]))],
      ['duplicate ENI', (c) => c.enis.push({ ...c.enis[0]! })],
    ];
    for (const [name, edit] of broken) {
      const c = base();
      edit(c);
      assert.throws(() => MirrorEngine.compile(c), MirrorConfigError, name);
    }
  });

  it('does not change the snapshot', () => {
    const c = config([filter('tmf-b', [rule(30, 'egress', 'accept'), rule(10, 'egress', 'reject')])], [session('tms-2', 2, 'tmf-b'), session('tms-1', 1, 'tmf-b')]);
    const copy = structuredClone(c);
    MirrorEngine.compile(c);
    assert.deepEqual(c, copy);
  });

  it('documents every reason it can give', () => {
    for (const name of NOT_MIRRORED_REASON_NAMES) assert.ok(NOT_MIRRORED_REASONS[name].length > 10, name);
    assert.ok(NOT_MIRRORED_REASON_NAMES.includes('undecodable:truncated-ipv6-extension-header'));
  });

  it('keeps IPv4 traffic out of an IPv6-only filter and the reverse', () => {
    const v6 = rule(10, 'egress', 'accept', { sourceCidr: '::/0', destinationCidr: '::/0' });
    const engine = MirrorEngine.compile(config([filter('tmf-v6', [v6])], [session('tms-1', 1, 'tmf-v6')]));
    assert.equal(decide(engine, tcpFrame(ENI.primary, 1, '1.2.3.4', 2)).reason, 'no-rule-matched');
    assert.equal(decide(engine, tcpFrame(ENI.ipv6, 1, '2001:db8::2', 2)).ruleId, v6.ruleId);
    assert.equal(decide(engine, buildIpFrame({ source: ENI.ipv6, destination: '2001:db8::2', protocol: 50, payload: 'esp' })).ruleId, v6.ruleId);
  });
});
