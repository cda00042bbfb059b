import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MirrorConfig } from './config.js';
import { explainFrame, formatExplanation } from './explain.js';
import { dnsQuery, tcpFrame, udpFrame } from './frame-builder.js';
import { MirrorEngine } from './mirror-engine.js';

const CONFIG: MirrorConfig = {
  enis: [{ networkInterfaceId: 'eni-1', macAddress: '02:00:00:00:00:01', primaryIpv4: '10.0.0.5', ipv4Addresses: [], ipv6Addresses: [], vpcIpv4Cidrs: ['10.0.0.0/16'], mtu: 9001 }],
  filters: [
    { filterId: 'tmf-ssh', networkServices: [], rules: [{ ruleId: 'tmfr-no-ssh', ruleNumber: 10, direction: 'egress', action: 'reject', protocol: 6, sourceCidr: '0.0.0.0/0', destinationCidr: '0.0.0.0/0', destinationPorts: { from: 22, to: 22 } }] },
    { filterId: 'tmf-web', networkServices: [], rules: [{ ruleId: 'tmfr-web', ruleNumber: 10, direction: 'egress', action: 'accept', protocol: 6, sourceCidr: '0.0.0.0/0', destinationCidr: '0.0.0.0/0', destinationPorts: { from: 443, to: 443 } }] },
    { filterId: 'tmf-tcp', networkServices: ['amazon-dns'], rules: [{ ruleId: 'tmfr-tcp', ruleNumber: 5, direction: 'egress', action: 'accept', protocol: 6, sourceCidr: '0.0.0.0/0', destinationCidr: '0.0.0.0/0' }] },
  ],
  targets: [{ targetId: 'tmt-1', type: 'network-interface', address: '10.0.9.9', macAddress: '02:00:00:00:00:99' }],
  sessions: [
    { sessionId: 'tms-ssh', sessionNumber: 1, networkInterfaceId: 'eni-1', filterId: 'tmf-ssh', targetId: 'tmt-1', virtualNetworkId: 1 },
    { sessionId: 'tms-web', sessionNumber: 2, networkInterfaceId: 'eni-1', filterId: 'tmf-web', targetId: 'tmt-1', virtualNetworkId: 2 },
    { sessionId: 'tms-tcp', sessionNumber: 3, networkInterfaceId: 'eni-1', filterId: 'tmf-tcp', targetId: 'tmt-1', virtualNetworkId: 3 },
  ],
};

describe('explainFrame', () => {
  it('shows each session in order: no match, accepted, not evaluated', () => {
    const engine = MirrorEngine.compile(CONFIG);
    const e = explainFrame(engine, 'eni-1', tcpFrame('10.0.0.5', 40000, '1.2.3.4', 443));
    assert.equal(e.mirrored, true);
    assert.equal(e.sessionId, 'tms-web');
    assert.equal(e.ruleId, 'tmfr-web');
    assert.equal(e.direction, 'egress');
    assert.deepEqual(e.decoded, { ok: true, etherType: 0x0800, vlanIds: [], family: 4, source: '10.0.0.5', destination: '1.2.3.4', protocol: 6, sourcePort: 40000, destinationPort: 443 });
    assert.deepEqual(
      e.sessions.map((s) => [s.sessionId, s.outcome, s.rule?.ruleId]),
      [
        ['tms-ssh', 'no-rule-matched', undefined],
        ['tms-web', 'accepted', 'tmfr-web'],
        ['tms-tcp', 'not-evaluated', undefined],
      ],
    );
  });

  it('shows a reject passing the packet on to a later session', () => {
    const engine = MirrorEngine.compile(CONFIG);
    const e = explainFrame(engine, 'eni-1', tcpFrame('10.0.0.5', 40000, '1.2.3.4', 22));
    assert.equal(e.sessionId, 'tms-tcp');
    assert.deepEqual(e.sessions[0]!.rule, { ruleId: 'tmfr-no-ssh', ruleNumber: 10, action: 'reject' });
    assert.deepEqual(e.sessions.map((s) => s.outcome), ['rejected', 'no-rule-matched', 'accepted']);
  });

  it('agrees with decide() on every frame, and counts nothing', () => {
    const engine = MirrorEngine.compile(CONFIG);
    const frames = [tcpFrame('10.0.0.5', 1, '1.2.3.4', 22), tcpFrame('10.0.0.5', 1, '1.2.3.4', 443), udpFrame('10.0.0.5', 1, '10.0.0.2', 53, { payload: dnsQuery('a.example') }), udpFrame('10.0.0.5', 1, '1.2.3.4', 9), tcpFrame('1.1.1.1', 1, '2.2.2.2', 3), new Uint8Array(5)];
    for (const frame of frames) {
      const e = explainFrame(engine, 'eni-1', frame);
      assert.equal(engine.counters().framesEvaluated, 0);
      const d = engine.decide(0, frame, 0, frame.length);
      assert.equal(e.mirrored, d.mirrored);
      assert.equal(e.sessionId, d.sessionId ?? undefined);
      assert.equal(e.ruleId, d.ruleId ?? undefined);
      assert.equal(e.reason, d.reason ?? undefined);
      engine.resetCounters();
    }
  });

  it('explains Amazon DNS, undecodable frames and unknown ENIs', () => {
    const engine = MirrorEngine.compile(CONFIG);
    const dns = explainFrame(engine, 'eni-1', udpFrame('10.0.0.5', 5000, '10.0.0.2', 53));
    assert.equal(dns.amazonDns, true);
    assert.equal(dns.service, 'amazon-dns');
    assert.deepEqual(dns.sessions.map((s) => s.outcome), ['amazon-dns-not-enabled', 'amazon-dns-not-enabled', 'amazon-dns']);
    const junk = explainFrame(engine, 'eni-1', new Uint8Array(5));
    assert.equal(junk.reason, 'undecodable:truncated-ethernet');
    assert.equal(junk.decoded.error, 'truncated-ethernet');
    assert.match(junk.reasonText!, /could not be decoded/);
    const unknown = explainFrame(engine, 'eni-x', tcpFrame('10.0.0.5', 1, '1.2.3.4', 2));
    assert.equal(unknown.reason, 'unknown-eni');
    assert.deepEqual(unknown.sessions, []);
  });

  it('names a cut transport header, and decides on what the frame holds', () => {
    const engine = MirrorEngine.compile(CONFIG);
    const cut = tcpFrame('10.0.0.5', 40000, '1.2.3.4', 443).subarray(0, 14 + 20 + 8);
    const e = explainFrame(engine, 'eni-1', cut);
    assert.equal(e.decoded.transportIssue, 'truncated-tcp-header');
    assert.equal(e.sessionId, 'tms-web');
    assert.match(formatExplanation(e), /^eni-1: 10\.0\.0\.5:40000 -> 1\.2\.3\.4:443 protocol 6 \(truncated-tcp-header\), egress/);
  });

  it('formats one line per session and a verdict', () => {
    const engine = MirrorEngine.compile(CONFIG);
    const text = formatExplanation(explainFrame(engine, 'eni-1', tcpFrame('10.0.0.5', 40000, '1.2.3.4', 22)));
    assert.equal(
      text,
      [
        'eni-1: 10.0.0.5:40000 -> 1.2.3.4:22 protocol 6, egress',
        '  session 1 tms-ssh (filter tmf-ssh): rejected by rule tmfr-no-ssh (#10, reject)',
        '  session 2 tms-web (filter tmf-web): no-rule-matched (no egress rule matches)',
        '  session 3 tms-tcp (filter tmf-tcp): accepted by rule tmfr-tcp (#5, accept)',
        '  mirrored by tms-tcp rule tmfr-tcp',
      ].join('\n'),
    );
  });
});
