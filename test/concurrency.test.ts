// 600+ conflicting calls fired at once from many connections: every conflict has exactly one
// winner, the losers get the error AWS gives, and the final state is what some serial order of the
// successful calls would leave (checked with and without --data-dir, and across a restart).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServerProcess } from './support/server-process.js';
import { call, Ec2Error, field, snapshotDescribes } from './support/topology.js';

// fetch's default pool opens a connection per concurrent request: hundreds of connections at once.

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

type Outcome = { ok: true; xml: string } | { ok: false; code: string };

async function attempt(url: string, account: string, action: string, params: Record<string, string | number>): Promise<Outcome> {
  try {
    return { ok: true, xml: await call(url, action, params, account) };
  } catch (error) {
    if (error instanceof Ec2Error) return { ok: false, code: error.code };
    throw error;
  }
}

const codesOf = (outcomes: Outcome[]) => outcomes.filter((o): o is { ok: false; code: string } => !o.ok).map((o) => o.code);

for (const persistent of [false, true]) {
  test(`conflicting calls serialise to one winner each (${persistent ? 'with --data-dir' : 'in memory'})`, { timeout: 120_000 }, async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mirrorlite-race-'));
    dirs.push(dataDir);
    const args = persistent ? ['--data-dir', dataDir] : [];
    let server = await startServerProcess(args);
    t.after(() => server.stop());
    const account = persistent ? '777700000002' : '777700000001';
    const ec2 = (action: string, params: Record<string, string | number> = {}) => call(server.url, action, params, account);
    const race = (action: string, params: Record<string, string | number>) => attempt(server.url, account, action, params);

    const vpc = field(await ec2('CreateVpc', { CidrBlock: '10.0.0.0/16' }), 'vpcId');
    const subnet = field(await ec2('CreateSubnet', { VpcId: vpc, CidrBlock: '10.0.0.0/18' }), 'subnetId');
    const many = async (count: number, make: () => Promise<string>) => Promise.all(Array.from({ length: count }, make));
    const eni = async () => field(await ec2('CreateNetworkInterface', { SubnetId: subnet }), 'networkInterfaceId');
    const filter = async () => field(await ec2('CreateTrafficMirrorFilter'), 'trafficMirrorFilterId');
    const nlbTarget = async () =>
      field(await ec2('CreateTrafficMirrorTarget', { NetworkLoadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/net/race/0123456789abcdef` }), 'trafficMirrorTargetId');
    const sharedFilter = await filter();
    const sharedTarget = await nlbTarget();
    const session = (eniId: string, number: number, filterId = sharedFilter) =>
      race('CreateTrafficMirrorSession', { NetworkInterfaceId: eniId, TrafficMirrorTargetId: sharedTarget, TrafficMirrorFilterId: filterId, SessionNumber: number });

    const sameNumberEnis = await many(30, eni);
    const quotaEnis = await many(20, eni);
    const doomedTargets = await many(30, nlbTarget);
    const racedSessionsEnis = await many(30, eni);
    const racedSessions: string[] = [];
    for (const eniId of racedSessionsEnis) {
      const created = await session(eniId, 1);
      assert.ok(created.ok);
      racedSessions.push(field(created.xml, 'trafficMirrorSessionId'));
    }
    const contestedFilters = await many(30, filter);
    const contestedEnis = await many(30, eni);
    const ruleFilters = await many(20, filter);

    // Every conflict group at once, interleaved.
    const groups = {
      sameNumber: sameNumberEnis.map((eniId) => Array.from({ length: 5 }, () => session(eniId, 1))),
      quota: quotaEnis.map((eniId) => Array.from({ length: 6 }, (_, i) => session(eniId, i + 1))),
      doubleDelete: doomedTargets.map((id) => [race('DeleteTrafficMirrorTarget', { TrafficMirrorTargetId: id }), race('DeleteTrafficMirrorTarget', { TrafficMirrorTargetId: id })]),
      deleteVersusModify: racedSessions.map((id) => [
        race('ModifyTrafficMirrorSession', { TrafficMirrorSessionId: id, Description: 'modified' }),
        race('DeleteTrafficMirrorSession', { TrafficMirrorSessionId: id }),
      ]),
      filterInUse: contestedFilters.map((id, i) => [race('DeleteTrafficMirrorFilter', { TrafficMirrorFilterId: id }), session(contestedEnis[i]!, 1, id)]),
      ruleNumber: ruleFilters.map((id) =>
        Array.from({ length: 4 }, (_, i) =>
          race('CreateTrafficMirrorFilterRule', { TrafficMirrorFilterId: id, TrafficDirection: 'ingress', RuleNumber: 7, RuleAction: i % 2 ? 'accept' : 'reject', SourceCidrBlock: '0.0.0.0/0', DestinationCidrBlock: '0.0.0.0/0' }),
        ),
      ),
    };
    const settled = Object.fromEntries(
      await Promise.all(Object.entries(groups).map(async ([name, lists]) => [name, await Promise.all(lists.map((list) => Promise.all(list)))] as const)),
    ) as Record<keyof typeof groups, Outcome[][]>;
    const total = Object.values(settled).reduce((sum, lists) => sum + lists.flat().length, 0);
    assert.ok(total >= 500, `${total} conflicting calls`);
    t.diagnostic(`${total} conflicting calls`);

    const sessions = await ec2('DescribeTrafficMirrorSessions');
    const sessionsOn = (eniId: string) => [...sessions.matchAll(new RegExp(`<trafficMirrorSessionId>(tms-[0-9a-f]+)</trafficMirrorSessionId><trafficMirrorTargetId>[^<]+</trafficMirrorTargetId><trafficMirrorFilterId>[^<]+</trafficMirrorFilterId><networkInterfaceId>${eniId}<`, 'g'))].map((m) => m[1]);

    settled.sameNumber.forEach((outcomes, i) => {
      const winners = outcomes.filter((o) => o.ok);
      assert.equal(winners.length, 1, 'one session number 1 per interface');
      assert.deepEqual(codesOf(outcomes), ['InvalidParameterValue', 'InvalidParameterValue', 'InvalidParameterValue', 'InvalidParameterValue']);
      assert.deepEqual(sessionsOn(sameNumberEnis[i]!), [field((winners[0] as { xml: string }).xml, 'trafficMirrorSessionId')]);
    });
    settled.quota.forEach((outcomes, i) => {
      const winners = outcomes.filter((o): o is { ok: true; xml: string } => o.ok).map((o) => field(o.xml, 'trafficMirrorSessionId'));
      assert.equal(winners.length, 3, 'three sessions per interface');
      assert.deepEqual(codesOf(outcomes), Array(3).fill('TrafficMirrorSessionsPerInterfaceLimitExceeded'));
      assert.deepEqual(sessionsOn(quotaEnis[i]!).sort(), winners.sort());
    });
    for (const outcomes of settled.doubleDelete) {
      assert.equal(outcomes.filter((o) => o.ok).length, 1, 'one delete wins');
      assert.deepEqual(codesOf(outcomes), ['InvalidTrafficMirrorTargetId.NotFound']);
    }
    assert.doesNotMatch(await ec2('DescribeTrafficMirrorTargets'), new RegExp(doomedTargets.join('|')));
    for (const [modify, remove] of settled.deleteVersusModify) {
      assert.ok(remove!.ok, 'the delete always succeeds');
      // Modify won (it ran first) or lost to the delete: then it is NotFound, never anything else.
      if (!modify!.ok) assert.equal(modify!.code, 'InvalidTrafficMirrorSessionId.NotFound');
    }
    for (const id of racedSessions) assert.ok(!sessions.includes(id), `session ${id} is gone`);
    const filters = await ec2('DescribeTrafficMirrorFilters');
    settled.filterInUse.forEach(([remove, create], i) => {
      assert.notEqual(remove!.ok, create!.ok, 'exactly one of the delete and the session create succeeds');
      if (remove!.ok) {
        assert.equal((create as { code: string }).code, 'InvalidTrafficMirrorFilterId.NotFound');
        assert.ok(!filters.includes(contestedFilters[i]!));
        assert.deepEqual(sessionsOn(contestedEnis[i]!), []);
      } else {
        assert.equal(remove!.code, 'TrafficMirrorFilterInUse');
        assert.ok(filters.includes(contestedFilters[i]!));
        assert.equal(sessionsOn(contestedEnis[i]!).length, 1);
      }
    });
    const rules = await ec2('DescribeTrafficMirrorFilterRules');
    settled.ruleNumber.forEach((outcomes, i) => {
      assert.equal(outcomes.filter((o) => o.ok).length, 1, 'one rule 7 per direction');
      assert.deepEqual(codesOf(outcomes), Array(3).fill('TrafficMirrorFilterRuleAlreadyExists'));
      assert.equal(rules.split(`<trafficMirrorFilterId>${ruleFilters[i]}</trafficMirrorFilterId>`).length - 1, 1);
    });
    const vnis = [...sessions.matchAll(/<virtualNetworkId>(\d+)<\/virtualNetworkId>/g)].map((m) => m[1]);
    assert.equal(new Set(vnis).size, vnis.length, 'random VNIs stay unique under concurrency');

    if (persistent) {
      const before = await snapshotDescribes(server.url, account);
      await server.kill('SIGKILL');
      server = await startServerProcess(args);
      assert.deepEqual(await snapshotDescribes(server.url, account), before, 'the raced state survived a crash');
    }
  });
}
