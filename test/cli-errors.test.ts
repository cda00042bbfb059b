// The command-line clients fail the way a user can act on: exit 1, one line on stderr naming what
// is wrong, nothing on stdout, no stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tcpFrame } from '../src/dataplane/frame-builder.js';
import { PcapWriter } from '../src/dataplane/pcap-writer.js';
import { ACCOUNT, REGION, runCli } from './dataplane-fixtures.js';
import { asUnprivileged, permissionTestSkip } from './support/other-user.js';
import { CLI, closedPort, runCliSync, startServerProcess, type ServerProcess } from './support/server-process.js';
import { call, field } from './support/topology.js';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCliSync(args, { env });

test('replay and explain refuse a region that is not a region name, before sending anything', () => {
  for (const [args, region] of [
    [['replay', '/dev/null', '--eni', 'eni-0123456789abcdef0', '--region', 'mars'], 'mars'],
    [['explain', '--eni', 'eni-0123456789abcdef0', '--packet', 'tcp 1.2.3.4:1 -> 10.0.0.1:2', '--region', 'EU-WEST-1'], 'EU-WEST-1'],
  ] as const) {
    const result = run([...args], { MIRRORLITE_ENDPOINT: 'http://127.0.0.1:9' });
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `mirrorlite: the region '${region}' is not a region name such as us-east-1\n`);
  }
  const fromEnvironment = run(['replay', '/dev/null', '--eni', 'eni-0123456789abcdef0'], { AWS_REGION: 'us_east_1', MIRRORLITE_ENDPOINT: 'http://127.0.0.1:9' });
  assert.match(fromEnvironment.stderr, /the region 'us_east_1' is not a region name/);
});

test('state export and import say when no server answers, as replay does', async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const expected = `mirrorlite: cannot reach a mirrorlite server at ${endpoint} (is \`mirrorlite serve\` running?)\n`;
  const exported = run(['state', 'export', '--endpoint', endpoint]);
  assert.equal(exported.status, 1);
  assert.equal(exported.stdout, '');
  assert.equal(exported.stderr, expected);
  const replayed = run(['replay', '/dev/null', '--eni', 'eni-0123456789abcdef0', '--endpoint', endpoint]);
  assert.equal(replayed.stderr, expected);
});

// Since the clients share src/cli/server-client.ts, each failure below reads the same in every
// command that can meet it.

/** A folder for one test's files, readable by anyone so that only a file's own mode matters. */
function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorlite-cli-errors-'));
  chmodSync(dir, 0o755);
  return dir;
}

test('a file that cannot be read or written is named, with the reason in words', () => {
  const dir = scratchDir();
  try {
    const offline = { MIRRORLITE_ENDPOINT: 'http://127.0.0.1:9' };
    const missing = join(dir, 'nonexist.pcap');
    const dataDir = join(dir, 'data');
    writeFileSync(join(dir, 'empty.json'), JSON.stringify({ format: 'mirrorlite-state', version: 2, records: [] }));
    assert.equal(run(['state', 'import', join(dir, 'empty.json'), '--data-dir', dataDir]).status, 0);
    for (const [args, message] of [
      [['replay', missing, '--eni', 'eni-0123456789abcdef0'], `cannot read ${missing}: no such file`],
      [['replay', dir, '--eni', 'eni-0123456789abcdef0'], `${dir} is a directory`],
      [['explain', '--eni', 'eni-0123456789abcdef0', '--capture', missing, '--frame', '1'], `cannot read ${missing}: no such file`],
      [['explain', '--eni', 'eni-0123456789abcdef0', '--capture', dir, '--frame', '1'], `${dir} is a directory`],
      [['state', 'import', missing], `cannot read ${missing}: no such file`],
      [['state', 'import', dir], `${dir} is a directory`],
      [['state', 'export', '--data-dir', dataDir, '--output', dir], `${dir} is a directory`],
      [['state', 'export', '--data-dir', dataDir, '--output', join(dir, 'no', 'state.json')], `cannot write ${join(dir, 'no', 'state.json')}: no such directory`],
      [['state', 'import', join(dir, 'empty.json', 'state.json')], `cannot read ${join(dir, 'empty.json', 'state.json')}: a part of the path is a file, not a directory`],
    ] as const) {
      const result = run([...args], offline);
      assert.equal(result.status, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, `mirrorlite: ${message}\n`, args.join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file this user may not read is said so', { skip: permissionTestSkip() }, () => {
  const dir = scratchDir();
  try {
    const unreadable = join(dir, 'unreadable.pcap');
    writeFileSync(unreadable, '');
    chmodSync(unreadable, 0o000);
    for (const args of [['replay', unreadable, '--eni', 'eni-0123456789abcdef0'], ['state', 'import', unreadable]]) {
      const result = runCliSync(args, { env: { MIRRORLITE_ENDPOINT: 'http://127.0.0.1:9' }, user: asUnprivileged });
      assert.equal(result.status, 1, result.stderr);
      assert.equal(result.stderr, `mirrorlite: cannot read ${unreadable}: permission denied\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the command line's own refusals begin 'mirrorlite:' like every other failure", () => {
  for (const [args, message] of [
    [['bogus'], "unknown command 'bogus'"],
    [['state', 'import'], "missing required argument 'file'"],
    [['replay', 'x.pcap'], "required option '--eni <id>' not specified"],
    [['serve', '--port', 'abc'], "option '--port <port>' argument 'abc' is invalid. a port is an integer from 0 to 65535"],
  ] as const) {
    const result = run([...args]);
    assert.equal(result.status, 1, args.join(' '));
    assert.equal(result.stderr, `mirrorlite: ${message}\n`, args.join(' '));
  }
});

test('an --endpoint that is not an http or https URL is named as the option', () => {
  const commands = [
    ['replay', '/dev/null', '--eni', 'eni-0123456789abcdef0'],
    ['explain', '--eni', 'eni-0123456789abcdef0', '--packet', 'tcp 1.2.3.4:1 -> 10.0.0.1:2'],
    ['state', 'export'],
    ['state', 'import', '/dev/null'],
  ];
  for (const args of commands) {
    for (const [endpoint, problem] of [
      ['notaurl', 'is not a URL such as http://127.0.0.1:4590'],
      ['localhost:4590', 'is not an http or https URL such as http://127.0.0.1:4590'],
      ['ftp://127.0.0.1:4590', 'is not an http or https URL such as http://127.0.0.1:4590'],
    ]) {
      const result = run([...args, '--endpoint', endpoint!]);
      assert.equal(result.status, 1, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, `mirrorlite: --endpoint: '${endpoint}' ${problem}\n`, args.join(' '));
    }
    const fromEnvironment = run(args, { MIRRORLITE_ENDPOINT: 'notaurl' });
    assert.equal(fromEnvironment.stderr, "mirrorlite: MIRRORLITE_ENDPOINT: 'notaurl' is not a URL such as http://127.0.0.1:4590\n", 'named as the user set it');
  }
});

test('explain refuses --packet with --frame or --capture instead of ignoring one', () => {
  const packet = ['explain', '--eni', 'eni-0123456789abcdef0', '--packet', 'tcp 1.2.3.4:1 -> 10.0.0.1:2'];
  const withFrame = run([...packet, '--frame', '3'], { MIRRORLITE_ENDPOINT: 'http://127.0.0.1:9' });
  assert.equal(withFrame.status, 1);
  assert.equal(withFrame.stdout, '');
  assert.match(withFrame.stderr, /option '--packet <spec>' cannot be used with option '--frame <n>'/);
  const withCapture = run([...packet, '--capture', '/dev/null', '--frame', '1'], { MIRRORLITE_ENDPOINT: 'http://127.0.0.1:9' });
  assert.equal(withCapture.status, 1);
  assert.match(withCapture.stderr, /option '--packet <spec>' cannot be used with option '--(capture <file>|frame <n>)'/);
});

test('an IPv6 address written with its port but no brackets gets the bracketed form as a hint', () => {
  const explain = (spec: string) => run(['explain', '--eni', 'eni-0123456789abcdef0', '--packet', spec], { MIRRORLITE_ENDPOINT: 'http://127.0.0.1:9' });
  const both = explain('tcp 2001:db8::1:80 -> 2001:db8::2:80');
  assert.equal(both.status, 1);
  assert.equal(both.stderr, 'mirrorlite: tcp needs a port on both sides; write IPv6 addresses with a port in brackets: [2001:db8::1]:80\n');
  // A port above ffff is not an IPv6 group: the address does not parse at all.
  const high = explain('udp [2001:db8::1]:53 <- 2001:db8::2:65000');
  assert.equal(high.stderr, "mirrorlite: '2001:db8::2:65000' is not an IPv4 or IPv6 address; write IPv6 addresses with a port in brackets: [2001:db8::2]:65000\n");
  const ipv4 = explain('tcp 10.0.0.1 -> 10.0.0.2:80');
  assert.equal(ipv4.stderr, 'mirrorlite: tcp needs a port on both sides, e.g. 10.0.1.10:443\n');
});

test('explain --help gives the whole --packet grammar', () => {
  const help = run(['explain', '--help']).stdout;
  for (const form of ['->', '<-', 'icmpv6 2001:db8::5 -> 2001:db8::9', 'tcp [2001:db8::5]:443 -> [2001:db8::9]:40000', '47 10.0.1.10 -> 10.0.9.9', 'tcp, udp, icmp, icmpv6 (any case) or a number', '--capture FILE --frame N']) {
    assert.ok(help.includes(form), `${form} in:\n${help}`);
  }
  assert.doesNotMatch(help, /ICMPv6 for IPv6 addresses/, 'icmp with IPv6 addresses is refused: the help must not offer it');
});

test('a server that hangs up without answering is said so, naming it', async () => {
  // A stand-in for a server that dies while it handles the request: it reads the request and closes.
  const hangUp = createServer((socket) => socket.once('data', () => socket.destroy()));
  await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(hangUp.address() as { port: number }).port}`;
  const dir = scratchDir();
  try {
    writeFileSync(join(dir, 'state.json'), '{}');
    for (const args of [['state', 'export'], ['state', 'import', join(dir, 'state.json')], ['explain', '--eni', 'eni-0123456789abcdef0', '--packet', 'tcp 1.2.3.4:1 -> 10.0.0.1:2']]) {
      const result = await runCli([...args, '--endpoint', endpoint]);
      assert.equal(result.status, 1, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, `mirrorlite: the server at ${endpoint} closed the connection before answering\n`, args.join(' '));
    }
  } finally {
    hangUp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A VPC, a subnet and one ENI in it: something to replay traffic as. */
async function anEni(url: string): Promise<string> {
  const ec2 = (action: string, params: Record<string, string>) => call(url, action, params, ACCOUNT, REGION);
  const vpc = field(await ec2('CreateVpc', { CidrBlock: '10.0.0.0/16' }), 'vpcId');
  const subnet = field(await ec2('CreateSubnet', { VpcId: vpc, CidrBlock: '10.0.1.0/24' }), 'subnetId');
  return field(await ec2('CreateNetworkInterface', { SubnetId: subnet, PrivateIpAddress: '10.0.1.10' }), 'networkInterfaceId');
}

/** A pcapng capture, little-endian: one interface per link type, then each frame on its interface. */
function pcapng(linkTypes: number[], frames: { interfaceId: number; bytes: Buffer }[]): Buffer {
  const block = (type: number, body: Buffer) => {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(type, 0);
    head.writeUInt32LE(12 + padded.length, 4);
    const tail = Buffer.alloc(4);
    tail.writeUInt32LE(12 + padded.length, 0);
    return Buffer.concat([head, padded, tail]);
  };
  const section = Buffer.alloc(16);
  section.writeUInt32LE(0x1a2b3c4d, 0);
  section.writeUInt16LE(1, 4);
  section.writeBigInt64LE(-1n, 8);
  const description = (linkType: number) => {
    const body = Buffer.alloc(8);
    body.writeUInt16LE(linkType, 0);
    return block(1, body);
  };
  const enhanced = ({ interfaceId, bytes }: { interfaceId: number; bytes: Buffer }) => {
    const header = Buffer.alloc(20);
    header.writeUInt32LE(interfaceId, 0);
    header.writeUInt32LE(bytes.length, 12);
    header.writeUInt32LE(bytes.length, 16);
    return block(6, Buffer.concat([header, bytes]));
  };
  return Buffer.concat([block(0x0a0d0d0a, section), ...linkTypes.map(description), ...frames.map(enhanced)]);
}

const LINKTYPE_RAW_IP = 101;
const ETHERNET_FRAME = tcpFrame('203.0.113.5', 50000, '10.0.1.10', 443);
/** The same packet as Raw IP: no Ethernet header. */
const RAW_IP_PACKET = ETHERNET_FRAME.subarray(14);

describe('against a running server', () => {
  let server: ServerProcess;
  let eni: string;
  let dir: string;
  before(async () => {
    server = await startServerProcess();
    eni = await anEni(server.url);
    dir = scratchDir();
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const client = () => ['--endpoint', server.url, '--access-key', ACCOUNT, '--region', REGION];

  test('a capture with no Ethernet records: the summary, then exit 1 saying nothing was replayed', async () => {
    const rawPcap = join(dir, 'raw.pcap');
    const writer = new PcapWriter({ linkType: LINKTYPE_RAW_IP });
    for (let i = 0; i < 5; i++) writer.writeRecord(1_700_000_000 + i, 0, RAW_IP_PACKET, 0, RAW_IP_PACKET.length);
    writeFileSync(rawPcap, writer.bytes());
    const rawPcapng = join(dir, 'raw.pcapng');
    writeFileSync(rawPcapng, pcapng([LINKTYPE_RAW_IP], [{ interfaceId: 0, bytes: RAW_IP_PACKET }]));

    const pcapResult = await runCli(['replay', rawPcap, '--eni', eni, ...client()]);
    assert.equal(pcapResult.status, 1);
    const summary = JSON.parse(pcapResult.stdout) as { framesRead: number; capture: { skipped: Record<string, number> } };
    assert.equal(summary.framesRead, 0);
    assert.equal(summary.capture.skipped['unsupported-link-type'], 5);
    assert.equal(pcapResult.stderr, `mirrorlite: no Ethernet records in ${rawPcap} (link type 101); nothing was replayed\n`);

    // The summary names the skipped link types, for pcapng and for stdin as for a pcap file.
    const pcapngResult = await runCli(['replay', rawPcapng, '--eni', eni, ...client()]);
    assert.equal(pcapngResult.status, 1);
    const pcapngSummary = JSON.parse(pcapngResult.stdout) as { framesRead: number; capture: { skippedLinkTypes: number[] } };
    assert.equal(pcapngSummary.framesRead, 0);
    assert.deepEqual(pcapngSummary.capture.skippedLinkTypes, [LINKTYPE_RAW_IP]);
    assert.equal(pcapngResult.stderr, `mirrorlite: no Ethernet records in ${rawPcapng} (link type 101); nothing was replayed\n`);
  });

  test('a capture with some records not Ethernet: replayed, exit 0, with a warning', async () => {
    const mixed = join(dir, 'mixed.pcapng');
    const frames = [0, 1, 0, 1, 0].map((interfaceId) => ({ interfaceId, bytes: interfaceId === 0 ? ETHERNET_FRAME : RAW_IP_PACKET }));
    writeFileSync(mixed, pcapng([1, LINKTYPE_RAW_IP], frames));
    const result = await runCli(['replay', mixed, '--eni', eni, ...client()]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { framesRead: number }).framesRead, 3);
    assert.equal(result.stderr, `mirrorlite: warning: 2 records of ${mixed} are not Ethernet (link type 101) and were skipped\n`);

    const explained = (frame: number) => runCli(['explain', '--eni', eni, '--capture', mixed, '--frame', String(frame), ...client()]);
    assert.equal((await explained(3)).status, 0, 'an Ethernet frame after a skipped one is found by its number');
    assert.equal((await explained(4)).stderr, `mirrorlite: frame 4 of ${mixed} is not an Ethernet frame (link type 101)\n`);
    assert.equal((await explained(6)).stderr, `mirrorlite: ${mixed} has only 5 frames\n`, 'every record counts, as in Wireshark');
  });

  test('explain --frame of a capture that is not Ethernet says so, not that the capture has 0 frames', async () => {
    const rawPcap = join(dir, 'raw-explain.pcap');
    const writer = new PcapWriter({ linkType: LINKTYPE_RAW_IP });
    for (let i = 0; i < 3; i++) writer.writeRecord(1_700_000_000 + i, 0, RAW_IP_PACKET, 0, RAW_IP_PACKET.length);
    writeFileSync(rawPcap, writer.bytes());
    const first = await runCli(['explain', '--eni', eni, '--capture', rawPcap, '--frame', '1', ...client()]);
    assert.equal(first.status, 1);
    assert.equal(first.stdout, '');
    assert.equal(first.stderr, `mirrorlite: frame 1 of ${rawPcap} is not an Ethernet frame (link type 101)\n`);
    const past = await runCli(['explain', '--eni', eni, '--capture', rawPcap, '--frame', '4', ...client()]);
    assert.equal(past.stderr, `mirrorlite: ${rawPcap} has only 3 frames\n`);
  });

  test("state import prints the server's message, not its JSON", async () => {
    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify({ format: 'something-else', version: 1, records: [] }));
    const result = await runCli(['state', 'import', file, '--endpoint', server.url]);
    assert.equal(result.status, 1);
    // Before: the answer's JSON, `{"error":"… (format must be \"mirrorlite-state\")"}`.
    assert.match(result.stderr, /^mirrorlite: the server answered 400: [^{\\]*"mirrorlite-state"[^{\\]*\n$/);
  });
});

test('a server killed during a replay: the client says it closed the connection during the upload', async () => {
  const server = await startServerProcess();
  try {
    const eni = await anEni(server.url);
    const child = spawn(process.execPath, [CLI, 'replay', '-', '--eni', eni, '--endpoint', server.url, '--access-key', ACCOUNT, '--region', REGION], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => {}); // EPIPE once the client has given up
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    const writer = new PcapWriter();
    for (let i = 0; i < 1000; i++) writer.writeRecord(1_700_000_000, i, ETHERNET_FRAME, 0, ETHERNET_FRAME.length);
    const capture = Buffer.from(writer.bytes());
    const records = capture.subarray(24);
    // Far more than the pipe and socket buffers hold: once it has drained, the server is reading the upload.
    child.stdin.write(capture);
    for (let i = 0; i < 100; i++) child.stdin.write(records);
    await new Promise((resolve) => child.stdin.once('drain', resolve));
    await server.kill('SIGKILL');
    let open = true;
    void exited.then(() => (open = false));
    while (open) {
      child.stdin.write(records);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(await exited, 1);
    assert.equal(stdout, '');
    assert.equal(stderr, `mirrorlite: the server at ${server.url} closed the connection during the upload\n`);
  } finally {
    await server.kill();
  }
});

test('state export from the data dir of a running server points to --endpoint', async () => {
  const dataDir = scratchDir();
  const server = await startServerProcess(['--data-dir', dataDir]);
  try {
    const stateFile = join(dataDir, 'state.json');
    writeFileSync(stateFile, JSON.stringify({ format: 'mirrorlite-state', version: 2, records: [] }));
    const [exported, imported] = await Promise.all([runCli(['state', 'export', '--data-dir', dataDir]), runCli(['state', 'import', stateFile, '--data-dir', dataDir])]);
    const hint = `is in use by a running mirrorlite server; %s it with --endpoint URL (http://127.0.0.1:4590 unless it was started with --host or --port)`;
    assert.equal(exported.status, 1);
    assert.equal(exported.stdout, '');
    assert.equal(exported.stderr, `mirrorlite: ${dataDir} ${hint.replace('%s', 'export from')}\n`);
    assert.equal(imported.status, 1);
    assert.equal(imported.stderr, `mirrorlite: ${dataDir} ${hint.replace('%s', 'import into')}\n`);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
