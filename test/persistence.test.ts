// Durable state: a full topology survives SIGKILL byte for byte (with its NextTokens and
// ClientTokens); a damaged, foreign or newer database, a record that cannot be loaded, a data dir
// that is a file or may not be written are refused, naming the file, and left untouched; one data dir
// serves one server; export then import reproduces identical Describe output.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tcpFrame } from '../src/dataplane/frame-builder.js';
import { PcapWriter } from '../src/dataplane/pcap-writer.js';
import { asUnprivileged, permissionTestSkip } from './support/other-user.js';
import { runCliSync, startServerProcess } from './support/server-process.js';
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

const mirrorlite = (args: string[], input?: string) => runCliSync(args, input === undefined ? {} : { input });

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

  /** A data dir a server made, holding one filter record, for a test to damage. */
  const servedDataDir = async (): Promise<string> => {
    const dataDir = tempDir();
    const server = await startServerProcess(['--data-dir', dataDir]);
    try {
      await call(server.url, 'CreateTrafficMirrorFilter', { Description: 'kept' }, '111122223333');
    } finally {
      await server.stop();
    }
    return dataDir;
  };
  const edit = (dataDir: string, sql: string) => {
    const db = new Database(join(dataDir, 'mirrorlite.db'));
    db.exec(sql);
    db.close();
  };

  test('a database whose records table has another shape', () => {
    const dataDir = tempDir();
    edit(dataDir, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE TABLE records (name TEXT, data BLOB); INSERT INTO meta VALUES ('schema_version', '2');");
    refuse(
      dataDir,
      new RegExp(`^mirrorlite: ${join(dataDir, 'mirrorlite.db')} is not a mirrorlite database: its records table has no column account, region, kind, id, seq, body \\(it has name, data; mirrorlite's has account, region, kind, id, seq, body\\); it was left untouched\n$`),
    );
  });

  test('a database with a damaged page', async () => {
    const dataDir = await servedDataDir();
    // Enough records to span many pages, then one page of the records table overwritten.
    const db = new Database(join(dataDir, 'mirrorlite.db'));
    const insert = db.prepare("INSERT INTO records VALUES ('111122223333', 'us-east-1', 'traffic-mirror-filter', ?, ?, ?)");
    db.transaction(() => {
      for (let i = 0; i < 300; i++) {
        const id = `tmf-${i.toString(16).padStart(17, '0')}`;
        insert.run(id, i + 10, JSON.stringify({ TrafficMirrorFilterId: id, Description: 'x'.repeat(200), NetworkServices: [], Tags: [], seq: i + 10 }));
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const file = join(dataDir, 'mirrorlite.db');
    const bytes = readFileSync(file);
    bytes.fill(0xff, 4096 * 10, 4096 * 11);
    writeFileSync(file, bytes);
    refuse(dataDir, new RegExp(`^mirrorlite: ${file} is damaged \\(SQLITE_CORRUPT: database disk image is malformed\\); it was left untouched: restore it from a copy, or move it aside to start with empty state\n$`));
  });

  test('a record that is not JSON, or of a kind mirrorlite does not know', async () => {
    const dataDir = await servedDataDir();
    const file = join(dataDir, 'mirrorlite.db');
    const db = new Database(file);
    const { id } = db.prepare("SELECT id FROM records WHERE kind = 'traffic-mirror-filter'").get() as { id: string };
    db.close();
    edit(dataDir, "UPDATE records SET body = '{\"TrafficMirrorFilterId\": ' WHERE kind = 'traffic-mirror-filter'");
    // In a database of the older schema, which an open that succeeds upgrades: this one must not be.
    edit(dataDir, "UPDATE meta SET value = '1' WHERE key = 'schema_version'");
    refuse(dataDir, new RegExp(`^mirrorlite: ${file}: the traffic-mirror-filter record ${id} of account 111122223333, region us-east-1 is not JSON \\(.+\\); the file was left untouched\n$`));
    const check = new Database(file, { readonly: true });
    assert.equal((check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value, '1', 'left at its schema version');
    check.close();
    edit(dataDir, "UPDATE records SET kind = 'bogus', body = '{}' WHERE kind = 'traffic-mirror-filter'");
    refuse(dataDir, new RegExp(`^mirrorlite: ${file}: the bogus record ${id} of account 111122223333, region us-east-1 is of a kind mirrorlite does not know \\(kinds: vpc, .*\\); the file was left untouched\n$`));
  });

  test('a data dir that is a file', () => {
    const file = join(tempDir(), 'notes.txt');
    writeFileSync(file, 'notes');
    const result = mirrorlite(['serve', '--port', '0', '--data-dir', file]);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, `mirrorlite: cannot keep state in ${file}: it is a file, not a directory; it was left untouched\n`);
    assert.equal(readFileSync(file, 'utf8'), 'notes');
  });

  test('a data dir or a database this user may not write', { skip: permissionTestSkip() }, async () => {
    // Root may write anywhere: the server is then run as nobody, else the files are made read-only.
    const asRoot = process.getuid?.() === 0;
    const serveAs = (dataDir: string) => {
      const result = runCliSync(['serve', '--port', '0', '--data-dir', dataDir], { user: asUnprivileged });
      return { status: result.status, stderr: result.stderr };
    };
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const served = await servedDataDir();
    const database = join(served, 'mirrorlite.db');
    if (!asRoot) chmodSync(database, 0o444);
    chmodSync(served, 0o755);
    const hash = sha256(database);
    const readOnlyDatabase = serveAs(served);
    assert.equal(readOnlyDatabase.status, 1);
    assert.equal(readOnlyDatabase.stderr, `mirrorlite: cannot open ${database}: permission denied (this user may not read and write ${database}); it was left untouched\n`);
    assert.equal(sha256(database), hash);

    const empty = join(parent, 'state');
    mkdirSync(empty, { mode: asRoot ? 0o755 : 0o555 });
    const readOnlyDir = serveAs(empty);
    assert.equal(readOnlyDir.status, 1);
    assert.equal(readOnlyDir.stderr, `mirrorlite: cannot create ${join(empty, 'mirrorlite.db')}: permission denied (this user may not create files in ${empty})\n`);
    assert.deepEqual(readdirSync(empty), []);
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

import { DESCRIBE_ACTIONS, tagSpecification } from './support/topology.js';

interface ExportedRecord {
  account: string;
  region: string;
  kind: string;
  id: string;
  record: Record<string, unknown> & { seq: number };
}
interface Exported {
  version: unknown;
  records: ExportedRecord[];
}

const PARTITIONS = [
  ['111122223333', 'us-east-1'],
  ['444455556666', 'us-east-1'],
  ['111122223333', 'eu-west-1'],
  ['444455556666', 'eu-west-1'],
] as const;

/** What buildTopology leaves out: secondary and IPv6 blocks, changed attributes, modified sessions and rules, more ClientTokens. */
async function buildRegionalExtras(url: string, account: string, region: string): Promise<void> {
  const ec2 = (action: string, params: Record<string, string | number> = {}) => call(url, action, params, account, region);
  const vpc = field(await ec2('CreateVpc', { CidrBlock: '10.8.0.0/16', AmazonProvidedIpv6CidrBlock: 'true', ...tagSpecification('vpc', { Name: region }) }), 'vpcId');
  await ec2('AssociateVpcCidrBlock', { VpcId: vpc, CidrBlock: '10.9.0.0/16' });
  await ec2('ModifyVpcAttribute', { VpcId: vpc, 'EnableDnsSupport.Value': 'false' });
  const vpcIpv6 = field(await ec2('DescribeVpcs', { 'VpcId.1': vpc }), 'ipv6CidrBlock');
  const subnet = field(await ec2('CreateSubnet', { VpcId: vpc, CidrBlock: '10.9.1.0/24' }), 'subnetId');
  await ec2('AssociateSubnetCidrBlock', { SubnetId: subnet, Ipv6CidrBlock: vpcIpv6.replace('/56', '/64') });
  await ec2('ModifySubnetAttribute', { SubnetId: subnet, 'MapPublicIpOnLaunch.Value': 'true' });
  await ec2('ModifySubnetAttribute', { SubnetId: subnet, PrivateDnsHostnameTypeOnLaunch: 'resource-name' });
  const source = field(await ec2('CreateNetworkInterface', { SubnetId: subnet, Ipv6AddressCount: 2, EnablePrimaryIpv6: 'true', ClientToken: 'eni-token' }), 'networkInterfaceId');
  await ec2('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: source, 'ConnectionTrackingSpecification.TcpEstablishedTimeout': 600 });
  await ec2('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: source, 'SourceDestCheck.Value': 'false' });
  await ec2('CreateNetworkInterface', { SubnetId: subnet, InterfaceType: 'trunk', Description: 'trunk' });
  const appliance = field(await ec2('CreateNetworkInterface', { SubnetId: subnet }), 'networkInterfaceId');
  const group = field(await ec2('CreateSecurityGroup', { GroupName: 'egress', GroupDescription: 'to a prefix list', VpcId: vpc }), 'groupId');
  await ec2('AuthorizeSecurityGroupEgress', { GroupId: group, 'IpPermissions.1.IpProtocol': 'tcp', 'IpPermissions.1.FromPort': 443, 'IpPermissions.1.ToPort': 443, 'IpPermissions.1.PrefixListIds.1.PrefixListId': 'pl-0123456789abcdef0' });
  const filter = field(await ec2('CreateTrafficMirrorFilter', { Description: 'dns', ClientToken: 'filter-token' }), 'trafficMirrorFilterId');
  const rule = field(
    await ec2('CreateTrafficMirrorFilterRule', { TrafficMirrorFilterId: filter, TrafficDirection: 'egress', RuleNumber: 5, RuleAction: 'reject', Protocol: 17, 'SourcePortRange.FromPort': 53, SourceCidrBlock: '10.0.0.0/8', DestinationCidrBlock: '0.0.0.0/0', ClientToken: 'rule-token' }),
    'trafficMirrorFilterRuleId',
  );
  await ec2('ModifyTrafficMirrorFilterRule', { TrafficMirrorFilterRuleId: rule, RuleNumber: 6, 'RemoveField.1': 'source-port-range', Description: 'modified' });
  const nlb = field(await ec2('CreateTrafficMirrorTarget', { NetworkLoadBalancerArn: `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/net/collector/0123456789abcdef`, ClientToken: 'target-token' }), 'trafficMirrorTargetId');
  const target = field(await ec2('CreateTrafficMirrorTarget', { NetworkInterfaceId: appliance }), 'trafficMirrorTargetId');
  const session = field(await ec2('CreateTrafficMirrorSession', { NetworkInterfaceId: source, TrafficMirrorTargetId: nlb, TrafficMirrorFilterId: filter, SessionNumber: 3, Description: 'moved', ClientToken: 'session-token' }), 'trafficMirrorSessionId');
  await ec2('ModifyTrafficMirrorSession', { TrafficMirrorSessionId: session, TrafficMirrorTargetId: target, 'RemoveField.1': 'description', 'RemoveField.2': 'virtual-network-id' });
  await ec2('CreateTrafficMirrorSession', { NetworkInterfaceId: source, TrafficMirrorTargetId: nlb, TrafficMirrorFilterId: filter, SessionNumber: 4, PacketLength: 100 });
  await ec2('CreateTags', { 'ResourceId.1': filter, 'Tag.1.Key': 'no-value' });
}

/** Every Describe of every partition the rich state fills, request IDs removed. */
async function snapshotPartitions(url: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [account, region] of PARTITIONS) {
    for (const action of DESCRIBE_ACTIONS) {
      out[`${account} ${region} ${action}`] = (await call(url, action, {}, account, region)).replace(/<requestId>[^<]*<\/requestId>/, '');
    }
  }
  return out;
}

function exportOf(url: string): Exported {
  const result = mirrorlite(['state', 'export', '--endpoint', url]);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Exported;
}

describe('state files the API could not have written', () => {
  test('a rich state (every kind, two accounts, two regions, tags, ClientTokens) round-trips, record for record', async () => {
    const source = await startServerProcess();
    let exported: Exported, expected;
    try {
      for (const [account, region] of PARTITIONS) {
        if (region === 'us-east-1') await buildTopology(source.url, account);
        else await buildRegionalExtras(source.url, account, region);
      }
      exported = exportOf(source.url);
      expected = await snapshotPartitions(source.url);
    } finally {
      await source.stop();
    }
    const kinds = new Set(exported.records.map((r) => `${r.account} ${r.region} ${r.kind}`));
    for (const [account, region] of PARTITIONS) {
      for (const kind of ['vpc', 'security-group', 'security-group-rule', 'subnet', 'network-interface', 'traffic-mirror-filter', 'traffic-mirror-filter-rule', 'traffic-mirror-target', 'traffic-mirror-session', 'client-token']) {
        assert.ok(kinds.has(`${account} ${region} ${kind}`), `${account} ${region} holds ${kind} records`);
      }
    }
    const stateFile = join(tempDir(), 'rich.json');
    writeFileSync(stateFile, JSON.stringify(exported));

    const memory = await startServerProcess();
    try {
      const imported = mirrorlite(['state', 'import', stateFile, '--endpoint', memory.url]);
      assert.equal(imported.status, 0, imported.stderr);
      assert.deepEqual(exportOf(memory.url).records, exported.records);
      assert.deepEqual(await snapshotPartitions(memory.url), expected);
    } finally {
      await memory.stop();
    }
    const dataDir = tempDir();
    const imported = mirrorlite(['state', 'import', stateFile, '--data-dir', dataDir]);
    assert.equal(imported.status, 0, imported.stderr);
    const restored = await startServerProcess(['--data-dir', dataDir]);
    try {
      assert.deepEqual(exportOf(restored.url).records, exported.records);
      assert.deepEqual(await snapshotPartitions(restored.url), expected);
    } finally {
      await restored.stop();
    }
  });

  test('each kind of bad record is refused, naming it, and changes nothing on a server or in a data dir', async () => {
    const server = await startServerProcess();
    let good: Exported;
    try {
      await buildTopology(server.url);
      good = exportOf(server.url);
    } finally {
      await server.stop();
    }
    const first = (kind: string, records: ExportedRecord[]) => records.find((r) => r.kind === kind)!;
    const [firstSession, secondSession] = good.records.filter((r) => r.kind === 'traffic-mirror-session');
    const sessionIndex = good.records.indexOf(firstSession!);
    const eniIndex = good.records.indexOf(first('network-interface', good.records));
    const filterId = first('traffic-mirror-filter', good.records).id;
    const bad = (change: (file: Exported) => void): Exported => {
      const file = JSON.parse(JSON.stringify(good)) as Exported;
      change(file);
      return file;
    };
    const cases: [string, Exported, RegExp][] = [
      ['Tags not a list', bad((f) => (f.records[sessionIndex]!.record.Tags = 'notalist')), new RegExp(`record ${sessionIndex} \\(traffic-mirror-session ${firstSession!.id}\\): Tags must be an array, not "notalist"`)],
      ['an address that is a number', bad((f) => (f.records[eniIndex]!.record.PrivateIpAddress = 12345)), new RegExp(`record ${eniIndex} \\(network-interface eni-[0-9a-f]+\\): PrivateIpAddress must be an IPv4 address, not 12345`)],
      [
        'a session of nothing but its ID',
        bad((f) => (f.records[sessionIndex]!.record = { TrafficMirrorSessionId: firstSession!.id, seq: firstSession!.record.seq })),
        /traffic-mirror-session tms-[0-9a-f]+\): TrafficMirrorTargetId is missing/,
      ],
      [
        'two sessions with one SessionNumber on one interface',
        bad((f) => (f.records[good.records.indexOf(secondSession!)]!.record.SessionNumber = firstSession!.record.SessionNumber)),
        /both have a traffic-mirror-session with SessionNumber 1 on eni-/,
      ],
      ['a filter ID of no shape', JSON.parse(JSON.stringify(good).replaceAll(filterId, 'hello world')) as Exported, /TrafficMirrorFilterId must be a tmf- ID \(8 or 17 lowercase hex digits\), not "hello world"/],
      ['an enum value out of range', bad((f) => (first('traffic-mirror-filter-rule', f.records).record.RuleAction = 'maybe')), /RuleAction must be one of accept, reject, not "maybe"/],
      ['a field no API call writes', bad((f) => (first('vpc', f.records).record.Colour = 'blue')), /\(vpc vpc-[0-9a-f]+\): Colour is not a field mirrorlite writes here/],
      ['every seq 1', bad((f) => f.records.forEach((r) => (r.record.seq = 1))), /records 0 \(vpc vpc-[0-9a-f]+\) and 1 \(security-group sg-[0-9a-f]+\) both have seq 1 in 111122223333 us-east-1/],
      ['version 0', bad((f) => (f.version = 0)), /unsupported state file version 0: this mirrorlite reads versions 1 to 2/],
      ['version -1', bad((f) => (f.version = -1)), /unsupported state file version -1/],
    ];

    const dataDir = tempDir();
    assert.equal(mirrorlite(['state', 'import', '-', '--data-dir', dataDir], JSON.stringify(good)).status, 0);
    const database = join(dataDir, 'mirrorlite.db');
    const onDisk = sha256(database);
    const running = await startServerProcess();
    try {
      await call(running.url, 'CreateTrafficMirrorFilter', { Description: 'stays' });
      const before = await snapshotPartitions(running.url);
      for (const [name, file, message] of cases) {
        const overHttp = mirrorlite(['state', 'import', '-', '--endpoint', running.url], JSON.stringify(file));
        assert.equal(overHttp.status, 1, name);
        // The server's answer is JSON, its quotes escaped.
        assert.match(overHttp.stderr.replaceAll('\\"', '"'), message, name);
        const direct = mirrorlite(['state', 'import', '-', '--data-dir', dataDir], JSON.stringify(file));
        assert.equal(direct.status, 1, name);
        assert.match(direct.stderr, message, name);
      }
      assert.deepEqual(await snapshotPartitions(running.url), before);
    } finally {
      await running.stop();
    }
    assert.equal(sha256(database), onDisk, 'the data dir is untouched');
  });

  test('serve refuses a default account or region that a state file could not hold', async () => {
    for (const [option, value, message] of [
      ['--default-account', 'abc', /option '--default-account <id>' argument 'abc' is invalid\. an account ID is 12 digits/],
      ['--default-account', '1234567890123', /an account ID is 12 digits/],
      ['--default-region', 'mars', /option '--default-region <region>' argument 'mars' is invalid\. not a region name such as us-east-1/],
      ['--default-region', 'EU-WEST-1', /not a region name/],
    ] as const) {
      const result = mirrorlite(['serve', '--port', '0', option, value]);
      assert.equal(result.status, 1, `${option} ${value}`);
      assert.match(result.stderr, message);
    }
    // Defaults it accepts: what an unsigned caller creates there exports and imports back.
    const server = await startServerProcess(['--default-account', '123456789012', '--default-region', 'eu-west-1']);
    try {
      const created = await fetch(server.url, { method: 'POST', body: new URLSearchParams({ Action: 'CreateTrafficMirrorFilter', Version: '2016-11-15' }) });
      assert.equal(created.status, 200);
      const file = exportOf(server.url);
      assert.deepEqual(file.records.map((r) => `${r.account} ${r.region} ${r.kind}`), ['123456789012 eu-west-1 traffic-mirror-filter']);
      const reimported = mirrorlite(['state', 'import', '-', '--endpoint', server.url], JSON.stringify(file));
      assert.equal(reimported.status, 0, reimported.stderr);
    } finally {
      await server.stop();
    }
  });
});
