// Durable state: a full topology survives SIGKILL byte for byte (with its NextTokens and
// ClientTokens); a damaged, foreign or newer database is refused and left untouched; one data dir
// serves one server; export then import reproduces identical Describe output.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tcpFrame } from '../src/dataplane/frame-builder.js';
import { PcapWriter } from '../src/dataplane/pcap-writer.js';
import { CLI, startServerProcess } from './support/server-process.js';
import { buildTopology, call, field, snapshotDescribes } from './support/topology.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorlite-state-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function mirrorlite(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('restart', () => {
  test('after SIGKILL every Describe returns byte-identical results', async () => {
    const dataDir = tempDir();
    const first = await startServerProcess(['--data-dir', dataDir]);
    let topology, before, token;
    try {
      topology = await buildTopology(first.url);
      before = await snapshotDescribes(first.url);
      // A NextToken issued before the crash…
      token = field(await call(first.url, 'DescribeTags', { MaxResults: 5 }, '111122223333'), 'nextToken');
    } finally {
      await first.kill('SIGKILL');
    }

    const second = await startServerProcess(['--data-dir', dataDir]);
    try {
      assert.deepEqual(await snapshotDescribes(second.url), before);
      // …still reads the next page afterwards.
      const next = await call(second.url, 'DescribeTags', { MaxResults: 5, NextToken: token }, '111122223333');
      assert.equal((next.match(/<item>/g) ?? []).length, 5, 'the second page of the twelve tags');
      // A create retried with its ClientToken after the restart is still idempotent.
      const retried = await call(
        second.url,
        'CreateTrafficMirrorSession',
        { NetworkInterfaceId: topology.enis[1]!, TrafficMirrorTargetId: topology.targets[2]!, TrafficMirrorFilterId: topology.filters[1]!, SessionNumber: 1, ClientToken: 'topology-token' },
        '111122223333',
      );
      assert.equal(field(retried, 'trafficMirrorSessionId'), topology.sessions[2]);
      assert.deepEqual(await snapshotDescribes(second.url), before, 'the retry created nothing');
      // New resources continue where the old ones left off: creation order is kept.
      const filter = field(await call(second.url, 'CreateTrafficMirrorFilter', { Description: 'after restart' }, '111122223333'), 'trafficMirrorFilterId');
      const filters = await call(second.url, 'DescribeTrafficMirrorFilters', {}, '111122223333');
      assert.ok(filters.lastIndexOf(filter) > filters.indexOf(topology.filters[1]!), 'the new filter is described last');
      const health = (await (await fetch(`${second.url}/_mirrorlite/health`)).json()) as { persistent: boolean };
      assert.equal(health.persistent, true);
    } finally {
      await second.stop();
    }
  });

  test('a graceful stop keeps state too, and reset empties it on disk', async () => {
    const dataDir = tempDir();
    const first = await startServerProcess(['--data-dir', dataDir]);
    try {
      await call(first.url, 'CreateTrafficMirrorFilter', { Description: 'kept' }, '111122223333');
    } finally {
      await first.stop();
    }
    const second = await startServerProcess(['--data-dir', dataDir]);
    try {
      assert.match(await call(second.url, 'DescribeTrafficMirrorFilters', {}, '111122223333'), /<description>kept<\/description>/);
      await fetch(`${second.url}/_mirrorlite/reset`, { method: 'POST' });
    } finally {
      await second.kill('SIGKILL');
    }
    const third = await startServerProcess(['--data-dir', dataDir]);
    try {
      assert.match(await call(third.url, 'DescribeTrafficMirrorFilters', {}, '111122223333'), /<trafficMirrorFilterSet\/>/);
    } finally {
      await third.stop();
    }
  });
});

describe('a database edited by hand', () => {
  test('a session whose target lost its interface is inactive, and the data plane still answers', async () => {
    const dataDir = tempDir();
    const first = await startServerProcess(['--data-dir', dataDir, '--mirror-dir', join(dataDir, 'mirror')]);
    let topology;
    try {
      topology = await buildTopology(first.url);
    } finally {
      await first.stop();
    }
    // The target interface of session 0 disappears behind the API's back.
    const db = new Database(join(dataDir, 'mirrorlite.db'));
    assert.equal(db.prepare("DELETE FROM records WHERE kind = 'network-interface' AND id = ?").run(topology.enis[4]).changes, 1);
    db.close();

    const server = await startServerProcess(['--data-dir', dataDir, '--mirror-dir', join(dataDir, 'mirror')]);
    try {
      // Web traffic into ENI 0: session 0 (filter 0, tcp 80-443 in) would take it; session 1 (accept all in) does instead.
      const frame = tcpFrame('203.0.113.9', 40000, '10.0.1.10', 443);
      const writer = new PcapWriter();
      writer.writeRecord(1_700_000_000, 0, frame, 0, frame.length);
      const query = `eni=${topology.enis[0]}&account=111122223333`;
      const replayed = await fetch(`${server.url}/_mirrorlite/traffic?${query}`, { method: 'POST', body: writer.bytes() });
      assert.equal(replayed.status, 200);
      const summary = (await replayed.json()) as { mirrored: Record<string, number>; warnings: string[] };
      assert.deepEqual(summary.mirrored, { [topology.sessions[1]!]: 1 });
      assert.ok(summary.warnings.includes(`${topology.sessions[0]}: its target ${topology.targets[0]} does not exist or cannot be used; the session is inactive`), summary.warnings.join('; '));
      assert.equal((await fetch(`${server.url}/_mirrorlite/counters?account=111122223333`)).status, 200);
      const explained = await fetch(`${server.url}/_mirrorlite/explain?${query}`, { method: 'POST', body: frame });
      assert.equal(explained.status, 200);
      assert.equal(((await explained.json()) as { sessionId: string }).sessionId, topology.sessions[1]);
    } finally {
      await server.stop();
    }
  });
});

describe('databases mirrorlite must not touch', () => {
  const refuse = (dataDir: string, message: RegExp) => {
    const database = join(dataDir, 'mirrorlite.db');
    const hash = sha256(database);
    const result = mirrorlite(['serve', '--port', '0', '--data-dir', dataDir]);
    assert.notEqual(result.status, 0, 'the server refuses to start');
    assert.match(result.stderr, message);
    assert.equal(sha256(database), hash, 'the file is left untouched');
  };

  test('a corrupt database', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'mirrorlite.db'), Buffer.concat([Buffer.from('definitely not sqlite'), Buffer.alloc(4096, 7)]));
    refuse(dataDir, /not a valid SQLite database/);
  });

  test('a database of a newer mirrorlite', () => {
    const dataDir = tempDir();
    const db = new Database(join(dataDir, 'mirrorlite.db'));
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE TABLE records (x); INSERT INTO meta VALUES ('schema_version', '99');");
    db.close();
    refuse(dataDir, /schema version 99, newer than this mirrorlite supports \(2\)/);
  });

  test('somebody else’s SQLite database', () => {
    const dataDir = tempDir();
    const db = new Database(join(dataDir, 'mirrorlite.db'));
    db.exec('CREATE TABLE customers (name TEXT)');
    db.close();
    refuse(dataDir, /not a mirrorlite database/);
  });

  test('a data dir already served by another mirrorlite', async () => {
    const dataDir = tempDir();
    const server = await startServerProcess(['--data-dir', dataDir]);
    try {
      const result = mirrorlite(['serve', '--port', '0', '--data-dir', dataDir]);
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /in use by another mirrorlite server/);
      // The first server is unaffected.
      assert.match(await call(server.url, 'DescribeTrafficMirrorFilters'), /trafficMirrorFilterSet/);
    } finally {
      await server.stop();
    }
  });
});

describe('state export and import', () => {
  test('export, then import into a fresh data dir, reproduces identical Describe output', async () => {
    const source = tempDir();
    const server = await startServerProcess(['--data-dir', source]);
    let expected, live;
    try {
      await buildTopology(server.url);
      await buildTopology(server.url, '444455556666');
      expected = [await snapshotDescribes(server.url), await snapshotDescribes(server.url, '444455556666')];
      // From the running server, over HTTP.
      live = mirrorlite(['state', 'export', '--endpoint', server.url]);
      assert.equal(live.status, 0, live.stderr);
    } finally {
      await server.stop();
    }
    // From the stopped server's data dir, directly.
    const fromDisk = mirrorlite(['state', 'export', '--data-dir', source]);
    assert.equal(fromDisk.status, 0, fromDisk.stderr);
    const file = JSON.parse(fromDisk.stdout) as { format: string; version: number; records: { kind: string }[] };
    assert.equal(file.format, 'mirrorlite-state');
    assert.equal(file.version, 2);
    assert.deepEqual((JSON.parse(live.stdout) as typeof file).records, file.records, 'both exports hold the same records');
    const kinds = new Set(file.records.map((r) => r.kind));
    for (const kind of ['vpc', 'security-group', 'security-group-rule', 'subnet', 'network-interface', 'traffic-mirror-filter', 'traffic-mirror-filter-rule', 'traffic-mirror-target', 'traffic-mirror-session', 'client-token']) {
      assert.ok(kinds.has(kind), `the export holds ${kind} records`);
    }

    const stateFile = join(tempDir(), 'state.json');
    writeFileSync(stateFile, fromDisk.stdout);
    const target = join(tempDir(), 'fresh');
    mkdirSync(target);
    const imported = mirrorlite(['state', 'import', stateFile, '--data-dir', target]);
    assert.equal(imported.status, 0, imported.stderr);
    const restored = await startServerProcess(['--data-dir', target]);
    try {
      assert.deepEqual([await snapshotDescribes(restored.url), await snapshotDescribes(restored.url, '444455556666')], expected);
    } finally {
      await restored.stop();
    }

    // Into a running in-memory server, over HTTP.
    const memory = await startServerProcess();
    try {
      const overHttp = mirrorlite(['state', 'import', stateFile, '--endpoint', memory.url]);
      assert.equal(overHttp.status, 0, overHttp.stderr);
      assert.deepEqual([await snapshotDescribes(memory.url), await snapshotDescribes(memory.url, '444455556666')], expected);
    } finally {
      await memory.stop();
    }
  });

  test('state saved before security groups were kept gets each VPC its default group, with the ID it had, once', async () => {
    const server = await startServerProcess();
    let file;
    try {
      const vpc = field(await call(server.url, 'CreateVpc', { CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: 'true' }), 'vpcId');
      const subnet = field(await call(server.url, 'CreateSubnet', { VpcId: vpc, CidrBlock: '10.0.1.0/24' }), 'subnetId');
      await call(server.url, 'CreateNetworkInterface', { SubnetId: subnet });
      file = JSON.parse(mirrorlite(['state', 'export', '--endpoint', server.url]).stdout) as { version: number; records: { kind: string; record: Record<string, unknown> }[] };
    } finally {
      await server.stop();
    }
    // What an older mirrorlite saved (version 1): the VPC keeps its default group's ID, no group records.
    file.version = 1;
    file.records = file.records.filter((r) => !r.kind.startsWith('security-group'));
    const groupId = file.records.find((r) => r.kind === 'vpc')!.record.defaultSecurityGroupId as string;
    const stateFile = join(tempDir(), 'old.json');
    writeFileSync(stateFile, JSON.stringify(file));
    const defaultGroup = async (url: string) => {
      const groups = await call(url, 'DescribeSecurityGroups');
      assert.equal(field(groups, 'groupId'), groupId);
      assert.match(groups, /<cidrIpv6>::\/0<\/cidrIpv6>/, 'outbound to ::/0: the VPC has IPv6');
      assert.match(await call(url, 'DescribeNetworkInterfaces'), new RegExp(`<groupId>${groupId}</groupId><groupName>default</groupName>`));
      return [...(await call(url, 'DescribeSecurityGroupRules')).matchAll(/<securityGroupRuleId>([^<]+)</g)].map((m) => m[1]);
    };

    const dir = join(tempDir(), 'old');
    mkdirSync(dir);
    assert.equal(mirrorlite(['state', 'import', stateFile, '--data-dir', dir]).status, 0);
    // …and its database, schema version 1.
    const schemaVersion = (value?: string) => {
      const db = new Database(join(dir, 'mirrorlite.db'));
      if (value) db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(value);
      const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string };
      db.close();
      return row.value;
    };
    schemaVersion('1');
    let rules;
    const first = await startServerProcess(['--data-dir', dir]);
    try {
      rules = await defaultGroup(first.url);
      assert.equal(rules.length, 3);
    } finally {
      await first.stop();
    }
    assert.equal(schemaVersion(), '2');
    const second = await startServerProcess(['--data-dir', dir]);
    try {
      assert.deepEqual(await defaultGroup(second.url), rules, 'stored at the first start, not made again');
    } finally {
      await second.stop();
    }
    const memory = await startServerProcess();
    try {
      assert.equal(mirrorlite(['state', 'import', stateFile, '--endpoint', memory.url]).status, 0);
      assert.equal((await defaultGroup(memory.url)).length, 3);
    } finally {
      await memory.stop();
    }
  });

  test('a bad state file is refused and changes nothing', async () => {
    const server = await startServerProcess();
    try {
      await call(server.url, 'CreateTrafficMirrorFilter', { Description: 'stays' });
      const before = await snapshotDescribes(server.url);
      const cases: [string, RegExp][] = [
        ['{"format":"something-else"}', /not a mirrorlite state file/],
        ['{"format":"mirrorlite-state","version":3,"records":[]}', /version 3, newer than this mirrorlite reads \(2\)/],
        ['{"format":"mirrorlite-state","version":1,"records":[{"account":"111122223333","region":"us-east-1","kind":"spaceship","id":"x","record":{"seq":1}}]}', /unknown kind spaceship/],
        ['{"format":"mirrorlite-state","version":1,"records":[{"account":"111122223333","region":"us-east-1","kind":"traffic-mirror-filter","id":"tmf-1","record":{"TrafficMirrorFilterId":"tmf-2","seq":1}}]}', /not the record's own ID/],
        ['not json at all', /JSON/],
        // A session whose target is not in the file: the API never lets one exist.
        [
          JSON.stringify({
            format: 'mirrorlite-state',
            version: 2,
            records: [
              { account: '111122223333', region: 'us-east-1', kind: 'traffic-mirror-filter', id: 'tmf-1', record: { TrafficMirrorFilterId: 'tmf-1', seq: 1 } },
              { account: '111122223333', region: 'us-east-1', kind: 'traffic-mirror-session', id: 'tms-1', record: { TrafficMirrorSessionId: 'tms-1', TrafficMirrorFilterId: 'tmf-1', TrafficMirrorTargetId: 'tmt-gone', NetworkInterfaceId: 'eni-gone', seq: 2 } },
            ],
          }),
          /traffic-mirror-session tms-1 names network-interface eni-gone in NetworkInterfaceId, which the file does not hold for 111122223333 us-east-1/,
        ],
        // The filter exists, but in another region.
        [
          JSON.stringify({
            format: 'mirrorlite-state',
            version: 2,
            records: [
              { account: '111122223333', region: 'eu-west-1', kind: 'traffic-mirror-filter', id: 'tmf-1', record: { TrafficMirrorFilterId: 'tmf-1', seq: 1 } },
              { account: '111122223333', region: 'us-east-1', kind: 'traffic-mirror-filter-rule', id: 'tmfr-1', record: { TrafficMirrorFilterRuleId: 'tmfr-1', TrafficMirrorFilterId: 'tmf-1', seq: 2 } },
            ],
          }),
          /traffic-mirror-filter-rule tmfr-1 names traffic-mirror-filter tmf-1/,
        ],
      ];
      for (const [text, message] of cases) {
        const file = join(tempDir(), 'bad.json');
        writeFileSync(file, text);
        const result = mirrorlite(['state', 'import', file, '--endpoint', server.url]);
        assert.notEqual(result.status, 0, text);
        assert.match(result.stderr, message);
      }
      assert.deepEqual(await snapshotDescribes(server.url), before);
    } finally {
      await server.stop();
    }
  });
});
