// A stream of mutating calls, the server killed with SIGKILL at random moments (22 times): after
// every restart, each call that was answered 200 is present, no call left half its effect (a filter
// without its tags, a rule without its filter), and a create that was in flight, retried with its
// ClientToken, exists exactly once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { call, Ec2Error, field, tagSpecification } from './support/topology.js';

const ACCOUNT = '666600000001';
const KILLS = 22;
const WORKERS = 4;

const dataDir = mkdtempSync(join(tmpdir(), 'mirrorlite-crash-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** A seeded PRNG, so a failure reproduces. */
let seed = 424242;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

/** What the client knows for sure: answered calls, per resource. */
interface Expected {
  filters: Map<string, { description: string; tags: Map<string, string>; rules: Set<string> }>;
  deletedFilters: Set<string>;
  sessions: Map<string, string>;
}

/** A create that got no answer: retried after the restart with the same ClientToken. */
interface InFlight {
  action: string;
  params: Record<string, string | number>;
  description: string;
}

const expected: Expected = { filters: new Map(), deletedFilters: new Set(), sessions: new Map() };
let counter = 0;

/** One worker's calls, on resources only it touches, until the server dies. */
async function worker(url: string, enis: string[], target: string, inFlight: InFlight[]): Promise<void> {
  const mine: string[] = [];
  let deleting: { id: string; known: Expected['filters'] extends Map<string, infer V> ? V : never } | undefined;
  for (;;) {
    const n = ++counter;
    const choice = random();
    let request: InFlight | undefined;
    try {
      if (choice < 0.35 || mine.length === 0) {
        const description = `crash-${n}`;
        request = {
          action: 'CreateTrafficMirrorFilter',
          description,
          params: { Description: description, ClientToken: `ct-${n}`, ...tagSpecification('traffic-mirror-filter', { crash: String(n), second: `${n}b` }) },
        };
        const id = field(await call(url, request.action, request.params, ACCOUNT), 'trafficMirrorFilterId');
        expected.filters.set(id, { description, tags: new Map([['crash', String(n)], ['second', `${n}b`]]), rules: new Set() });
        mine.push(id);
      } else if (choice < 0.6) {
        const filter = mine[Math.floor(random() * mine.length)]!;
        const known = expected.filters.get(filter)!;
        if (known.rules.size >= 10) continue;
        const rule = field(
          await call(url, 'CreateTrafficMirrorFilterRule', {
            TrafficMirrorFilterId: filter,
            TrafficDirection: n % 2 ? 'ingress' : 'egress',
            RuleNumber: n,
            RuleAction: 'accept',
            SourceCidrBlock: '0.0.0.0/0',
            DestinationCidrBlock: '0.0.0.0/0',
            ...tagSpecification('traffic-mirror-filter-rule', { crash: String(n) }),
          }, ACCOUNT),
          'trafficMirrorFilterRuleId',
        );
        known.rules.add(rule);
      } else if (choice < 0.75) {
        const filter = mine[Math.floor(random() * mine.length)]!;
        await call(url, 'CreateTags', { 'ResourceId.1': filter, 'Tag.1.Key': `late-${n}`, 'Tag.1.Value': String(n) }, ACCOUNT);
        expected.filters.get(filter)!.tags.set(`late-${n}`, String(n));
      } else if (choice < 0.85) {
        const filter = mine.pop()!;
        // Until it is answered, the delete may or may not happen: the filter is expected neither way.
        deleting = { id: filter, known: expected.filters.get(filter)! };
        expected.filters.delete(filter);
        await call(url, 'DeleteTrafficMirrorFilter', { TrafficMirrorFilterId: filter }, ACCOUNT);
        expected.deletedFilters.add(filter);
      } else {
        const eni = enis[n % enis.length]!;
        const session = field(
          await call(url, 'CreateTrafficMirrorSession', {
            NetworkInterfaceId: eni,
            TrafficMirrorTargetId: target,
            TrafficMirrorFilterId: mine[0]!,
            SessionNumber: n,
            ...tagSpecification('traffic-mirror-session', { crash: String(n) }),
          }, ACCOUNT),
          'trafficMirrorSessionId',
        );
        expected.sessions.set(session, String(n));
      }
    } catch (error) {
      if (error instanceof Ec2Error) {
        // An answered refusal (a quota, a number taken, a filter in use): nothing changed.
        if (deleting) expected.filters.set(deleting.id, deleting.known);
        continue;
      }
      if (request) inFlight.push(request);
      return;
    } finally {
      deleting = undefined;
    }
  }
}

interface Seen {
  filters: Map<string, { description: string; tags: Map<string, string> }>;
  rules: Map<string, { filter: string; tags: Map<string, string> }>;
  sessions: Map<string, Map<string, string>>;
}

function items(xml: string, set: string): string[] {
  const start = xml.indexOf(`<${set}>`);
  if (start < 0) return [];
  const body = xml.slice(start, xml.indexOf(`</${set}>`, start));
  return body.split('<item><traffic').slice(1).map((part) => `<traffic${part}`);
}

function tagsIn(fragment: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const match of fragment.matchAll(/<item><key>([^<]*)<\/key><value>([^<]*)<\/value><\/item>/g)) tags.set(match[1]!, match[2]!);
  return tags;
}

async function observe(url: string): Promise<Seen> {
  const filters = new Map<string, { description: string; tags: Map<string, string> }>();
  for (const item of items(await call(url, 'DescribeTrafficMirrorFilters', {}, ACCOUNT), 'trafficMirrorFilterSet')) {
    const id = field(item, 'trafficMirrorFilterId');
    const tagSet = item.slice(item.lastIndexOf('<tagSet'));
    filters.set(id, { description: /<description>([^<]*)<\/description>/.exec(item)?.[1] ?? '', tags: tagsIn(tagSet) });
  }
  const rules = new Map<string, { filter: string; tags: Map<string, string> }>();
  for (const item of items(await call(url, 'DescribeTrafficMirrorFilterRules', {}, ACCOUNT), 'trafficMirrorFilterRuleSet')) {
    rules.set(field(item, 'trafficMirrorFilterRuleId'), { filter: field(item, 'trafficMirrorFilterId'), tags: tagsIn(item) });
  }
  const sessions = new Map<string, Map<string, string>>();
  for (const item of items(await call(url, 'DescribeTrafficMirrorSessions', {}, ACCOUNT), 'trafficMirrorSessionSet')) {
    sessions.set(field(item, 'trafficMirrorSessionId'), tagsIn(item));
  }
  return { filters, rules, sessions };
}

function verify(seen: Seen): void {
  // Every answered call is there.
  for (const [id, want] of expected.filters) {
    const got = seen.filters.get(id);
    assert.ok(got, `acknowledged filter ${id} survived`);
    assert.equal(got.description, want.description);
    for (const [key, value] of want.tags) assert.equal(got.tags.get(key), value, `filter ${id} kept tag ${key}`);
    for (const rule of want.rules) assert.equal(seen.rules.get(rule)?.filter, id, `acknowledged rule ${rule} survived`);
  }
  for (const id of expected.deletedFilters) assert.ok(!seen.filters.has(id), `acknowledged delete of ${id} held`);
  for (const [id, n] of expected.sessions) assert.equal(seen.sessions.get(id)?.get('crash'), n, `acknowledged session ${id} survived with its tag`);
  // Nothing is half done, answered or not.
  for (const [id, filter] of seen.filters) {
    const n = /^crash-(\d+)$/.exec(filter.description)?.[1];
    assert.ok(n, `filter ${id} has its description`);
    assert.equal(filter.tags.get('crash'), n, `filter ${id} has its first tag`);
    assert.equal(filter.tags.get('second'), `${n}b`, `filter ${id} has its second tag`);
  }
  for (const [id, rule] of seen.rules) {
    assert.ok(seen.filters.has(rule.filter), `rule ${id} belongs to a filter that exists`);
    assert.ok(rule.tags.has('crash'), `rule ${id} has its tag`);
  }
  for (const [id, tags] of seen.sessions) assert.ok(tags.has('crash'), `session ${id} has its tag`);
}

test(`${KILLS} kills at random moments lose no acknowledged call and leave no partial one`, { timeout: 240_000 }, async (t) => {
  let server: ServerProcess = await startServerProcess(['--data-dir', dataDir, '--quota', 'sessions-per-interface=100000']);
  t.after(() => server.stop());
  const ec2 = (action: string, params: Record<string, string | number> = {}) => call(server.url, action, params, ACCOUNT);
  const vpc = field(await ec2('CreateVpc', { CidrBlock: '10.0.0.0/16' }), 'vpcId');
  const subnet = field(await ec2('CreateSubnet', { VpcId: vpc, CidrBlock: '10.0.0.0/20' }), 'subnetId');
  const enis: string[] = [];
  for (let i = 0; i < 4; i++) enis.push(field(await ec2('CreateNetworkInterface', { SubnetId: subnet }), 'networkInterfaceId'));
  const target = field(await ec2('CreateTrafficMirrorTarget', { NetworkLoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:666600000001:loadbalancer/net/crash/0123456789abcdef' }), 'trafficMirrorTargetId');

  let answered = 0;
  let retried = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    const inFlight: InFlight[] = [];
    const workers = Array.from({ length: WORKERS }, () => worker(server.url, enis, target, inFlight));
    await new Promise((resolve) => setTimeout(resolve, 60 + random() * 340));
    await server.kill('SIGKILL');
    await Promise.all(workers);

    server = await startServerProcess(['--data-dir', dataDir, '--quota', 'sessions-per-interface=100000']);
    verify(await observe(server.url));
    // Creates that were in flight: retried with their ClientToken, they exist exactly once.
    for (const request of inFlight.filter((r) => r.action === 'CreateTrafficMirrorFilter')) {
      const id = field(await call(server.url, request.action, request.params, ACCOUNT), 'trafficMirrorFilterId');
      const seen = await observe(server.url);
      assert.equal([...seen.filters.values()].filter((f) => f.description === request.description).length, 1, `${request.description} exists once`);
      expected.filters.set(id, { description: request.description, tags: seen.filters.get(id)!.tags, rules: new Set() });
      retried++;
    }
    answered = expected.filters.size + expected.deletedFilters.size + expected.sessions.size;
  }
  t.diagnostic(`${KILLS} kills; ${counter} calls sent; ${answered} answered creates and deletes checked; ${retried} in-flight creates retried`);
  assert.ok(answered > 50, `enough calls were answered between kills (${answered})`);
  assert.ok(retried > 0, 'some kills caught a create in flight');
});
