import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuleConfig } from './config.js';
import { MirrorConfigError } from './config.js';
import { buildIpFrame, icmpEchoFrame, tcpFrame, udpFrame } from './frame-builder.js';
import { DecodedFrame, decodeFrame } from './packet-decoder.js';
import { RuleMatcher, type TrafficDirection } from './rule-matcher.js';

let ids = 0;
function rule(ruleNumber: number, direction: TrafficDirection, action: 'accept' | 'reject', extra: Partial<RuleConfig> = {}): RuleConfig {
  return { ruleId: `tmfr-${++ids}`, ruleNumber, direction, action, sourceCidr: '0.0.0.0/0', destinationCidr: '0.0.0.0/0', ...extra };
}

function decoded(frame: Uint8Array): DecodedFrame {
  const f = new DecodedFrame();
  assert.equal(decodeFrame(frame, 0, frame.length, f), true);
  return f;
}

/** The ruleId of the first matching rule, or null. */
function matchId(matcher: RuleMatcher, frame: Uint8Array, direction: TrafficDirection): string | null {
  const index = matcher.match(decoded(frame), direction);
  return index < 0 ? null : matcher.rules[index]!.ruleId;
}

describe('RuleMatcher', () => {
  it('takes the first match by ascending RuleNumber, whatever the input order', () => {
    const r30 = rule(30, 'ingress', 'accept');
    const r10 = rule(10, 'ingress', 'reject', { protocol: 6, destinationPorts: { from: 22, to: 22 } });
    const r20 = rule(20, 'ingress', 'accept', { protocol: 6 });
    const matcher = RuleMatcher.compile([r30, r10, r20]);
    assert.equal(matchId(matcher, tcpFrame('1.1.1.1', 5000, '10.0.0.5', 22), 'ingress'), r10.ruleId);
    assert.equal(matchId(matcher, tcpFrame('1.1.1.1', 5000, '10.0.0.5', 80), 'ingress'), r20.ruleId);
    assert.equal(matchId(matcher, udpFrame('1.1.1.1', 5000, '10.0.0.5', 80), 'ingress'), r30.ruleId);
    assert.equal(matcher.accepts[matcher.rules.indexOf(r10)], 0);
    assert.equal(matcher.accepts[matcher.rules.indexOf(r20)], 1);
  });

  it('keeps ingress and egress rules apart', () => {
    const inbound = rule(10, 'ingress', 'accept');
    const matcher = RuleMatcher.compile([inbound]);
    const frame = tcpFrame('10.0.0.5', 5000, '1.1.1.1', 443);
    assert.equal(matchId(matcher, frame, 'ingress'), inbound.ruleId);
    assert.equal(matchId(matcher, frame, 'egress'), null, 'no egress rule: no egress traffic matches');
  });

  it('matches source and destination CIDRs against the packet\'s own addresses', () => {
    const r = rule(10, 'egress', 'accept', { sourceCidr: '10.0.0.0/24', destinationCidr: '192.168.0.0/16' });
    const matcher = RuleMatcher.compile([r]);
    assert.equal(matchId(matcher, udpFrame('10.0.0.5', 1, '192.168.200.1', 2), 'egress'), r.ruleId);
    assert.equal(matchId(matcher, udpFrame('10.0.1.5', 1, '192.168.200.1', 2), 'egress'), null);
    assert.equal(matchId(matcher, udpFrame('10.0.0.5', 1, '192.169.0.1', 2), 'egress'), null);
    assert.equal(matchId(matcher, udpFrame('192.168.200.1', 1, '10.0.0.5', 2), 'egress'), null, 'source and destination are not interchangeable');
  });

  it('never matches an IPv4 rule to IPv6 traffic or the reverse', () => {
    const v4 = rule(10, 'egress', 'accept');
    const v6 = rule(20, 'egress', 'accept', { sourceCidr: '::/0', destinationCidr: '::/0' });
    const v4only = RuleMatcher.compile([v4]);
    const v6only = RuleMatcher.compile([v6]);
    const frame4 = tcpFrame('10.0.0.5', 1, '1.1.1.1', 443);
    const frame6 = tcpFrame('2001:db8::5', 1, '2001:db8::9', 443);
    assert.equal(matchId(v4only, frame6, 'egress'), null);
    assert.equal(matchId(v6only, frame4, 'egress'), null);
    assert.equal(matchId(v4only, frame4, 'egress'), v4.ruleId);
    assert.equal(matchId(v6only, frame6, 'egress'), v6.ruleId);
    const both = RuleMatcher.compile([v4, v6]);
    assert.equal(matchId(both, frame6, 'egress'), v6.ruleId, 'the IPv4 rule, though first, is skipped');
  });

  it('matches IPv6 prefixes word by word', () => {
    const r = rule(10, 'ingress', 'accept', { sourceCidr: '2001:db8:1::/48', destinationCidr: '2001:db8::5/128' });
    const matcher = RuleMatcher.compile([r]);
    assert.equal(matchId(matcher, tcpFrame('2001:db8:1:ffff::1', 1, '2001:db8::5', 80), 'ingress'), r.ruleId);
    assert.equal(matchId(matcher, tcpFrame('2001:db8:2::1', 1, '2001:db8::5', 80), 'ingress'), null);
    assert.equal(matchId(matcher, tcpFrame('2001:db8:1::1', 1, '2001:db8::6', 80), 'ingress'), null);
  });

  it('treats an absent protocol as any protocol', () => {
    const r = rule(10, 'egress', 'accept');
    const matcher = RuleMatcher.compile([r]);
    assert.equal(matchId(matcher, icmpEchoFrame('10.0.0.5', '1.1.1.1'), 'egress'), r.ruleId);
    assert.equal(matchId(matcher, buildIpFrame({ source: '10.0.0.5', destination: '1.1.1.1', protocol: 47, payload: 'gre' }), 'egress'), r.ruleId);
  });

  it('treats protocol 0 as any protocol, as Terraform and the SDKs read an unset one back', () => {
    const r = rule(10, 'egress', 'accept', { protocol: 0 });
    const matcher = RuleMatcher.compile([r]);
    assert.equal(matchId(matcher, tcpFrame('10.0.0.5', 1, '1.1.1.1', 2), 'egress'), r.ruleId);
    assert.equal(matchId(matcher, icmpEchoFrame('10.0.0.5', '1.1.1.1'), 'egress'), r.ruleId);
    assert.equal(matchId(matcher, buildIpFrame({ source: '10.0.0.5', destination: '1.1.1.1', protocol: 47, payload: 'gre' }), 'egress'), r.ruleId);
  });

  it('applies port ranges inclusively, and only to TCP and UDP', () => {
    const ports = rule(10, 'egress', 'accept', { destinationPorts: { from: 1000, to: 2000 }, sourcePorts: { from: 5, to: 5 } });
    const matcher = RuleMatcher.compile([ports]);
    assert.equal(matchId(matcher, tcpFrame('10.0.0.5', 5, '1.1.1.1', 1000), 'egress'), ports.ruleId);
    assert.equal(matchId(matcher, udpFrame('10.0.0.5', 5, '1.1.1.1', 2000), 'egress'), ports.ruleId);
    assert.equal(matchId(matcher, tcpFrame('10.0.0.5', 5, '1.1.1.1', 999), 'egress'), null);
    assert.equal(matchId(matcher, tcpFrame('10.0.0.5', 5, '1.1.1.1', 2001), 'egress'), null);
    assert.equal(matchId(matcher, tcpFrame('10.0.0.5', 6, '1.1.1.1', 1500), 'egress'), null);
    // ICMP carries no ports: a rule with ports cannot match it, even if identifier bytes sit where ports would.
    assert.equal(matchId(matcher, icmpEchoFrame('10.0.0.5', '1.1.1.1', { identifier: 1500, sequence: 5 }), 'egress'), null);
    assert.equal(matchId(matcher, buildIpFrame({ source: '10.0.0.5', destination: '1.1.1.1', protocol: 132, payload: Buffer.from('000505dc00000000', 'hex') }), 'egress'), null, 'SCTP is not TCP/UDP');
  });

  it('keeps packets without ports out of even a full 0-65535 range, on either side', () => {
    const fragment = buildIpFrame({ source: '10.0.0.5', destination: '1.1.1.1', protocol: 6, ipv4: { fragmentOffset: 8 }, payload: new Uint8Array(8) });
    const icmp = icmpEchoFrame('10.0.0.5', '1.1.1.1', { identifier: 0, sequence: 0 });
    for (const side of ['sourcePorts', 'destinationPorts'] as const) {
      const matcher = RuleMatcher.compile([rule(10, 'egress', 'accept', { [side]: { from: 0, to: 65535 } })]);
      assert.equal(matchId(matcher, fragment, 'egress'), null, side);
      assert.equal(matchId(matcher, icmp, 'egress'), null, side);
      assert.notEqual(matchId(matcher, tcpFrame('10.0.0.5', 0, '1.1.1.1', 0), 'egress'), null, side);
    }
  });

  it('lets a non-first fragment match a protocol rule but not a port rule', () => {
    const withPorts = rule(10, 'egress', 'accept', { protocol: 17, destinationPorts: { from: 0, to: 65535 } });
    const protocolOnly = rule(20, 'egress', 'reject', { protocol: 17 });
    const matcher = RuleMatcher.compile([withPorts, protocolOnly]);
    const fragment = buildIpFrame({ source: '10.0.0.5', destination: '1.1.1.1', protocol: 17, ipv4: { fragmentOffset: 1480 }, payload: new Uint8Array(64) });
    assert.equal(matchId(matcher, fragment, 'egress'), protocolOnly.ruleId);
    const first = buildIpFrame({ source: '10.0.0.5', destination: '1.1.1.1', ipv4: { moreFragments: true }, udp: { sourcePort: 1, destinationPort: 2 }, payload: new Uint8Array(64) });
    assert.equal(matchId(matcher, first, 'egress'), withPorts.ruleId);
  });

  it('matches a protocol exactly', () => {
    const udp = rule(10, 'egress', 'accept', { protocol: 17 });
    const matcher = RuleMatcher.compile([udp]);
    assert.equal(matchId(matcher, tcpFrame('10.0.0.5', 1, '1.1.1.1', 2), 'egress'), null);
    assert.equal(matchId(matcher, udpFrame('10.0.0.5', 1, '1.1.1.1', 2), 'egress'), udp.ruleId);
  });

  it('refuses rules it cannot compile', () => {
    const cases: Partial<RuleConfig>[] = [
      { sourceCidr: '10.0.0.0/33' },
      { destinationCidr: 'nope' },
      { sourceCidr: '::/0' }, // mixed families
      { protocol: 256 },
      { destinationPorts: { from: 10, to: 9 } },
      { sourcePorts: { from: 0, to: 65536 } },
      { action: 'drop' as 'accept' },
      { direction: 'both' as 'ingress' },
    ];
    for (const extra of cases) assert.throws(() => RuleMatcher.compile([rule(10, 'ingress', 'accept', extra)]), MirrorConfigError, JSON.stringify(extra));
    assert.throws(() => RuleMatcher.compile([rule(10, 'ingress', 'accept'), rule(10, 'ingress', 'reject')]), /share ingress RuleNumber 10/);
    assert.doesNotThrow(() => RuleMatcher.compile([rule(10, 'ingress', 'accept'), rule(10, 'egress', 'reject')]));
  });

  it('does not change the rules it was given', () => {
    const rules = [rule(20, 'ingress', 'accept'), rule(10, 'ingress', 'reject')];
    const copy = structuredClone(rules);
    RuleMatcher.compile(rules);
    assert.deepEqual(rules, copy);
  });
});
