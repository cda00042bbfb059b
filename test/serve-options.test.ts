// `mirrorlite serve`'s options, against the real command: an empty value is refused (an empty
// MIRRORLITE_* variable is unset), --quota's names and defaults come from the one table of quotas,
// --vxlan-sink refuses what could never be used, the `listening` line is printed at every level
// but silent, and /_mirrorlite/* requests are logged with their caller, ENI and error code.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { DEFAULT_QUOTAS, QUOTA_FLAGS } from '../src/service/service-config.js';
import { CLI, closedPort, logLine, runCliSync, startServerProcess } from './support/server-process.js';
import { call, Ec2Error, field } from './support/topology.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorlite-serve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A serve that is expected to refuse its options, so to exit at once. */
function serve(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCliSync(['serve', ...args], { env });
}

/**
 * A serve run by the test itself, for runs startServerProcess cannot wait for (a server that may
 * not print its `listening` line): its stdout lines as they come, and a stop that always ends it.
 */
function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    lines,
    stderr: () => stderr,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls until `ready` holds, for at most 10 s. */
async function until(ready: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await ready()); waited += 50) {
    assert.ok(waited < 10_000, `waited 10 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const TARGET_8 = 'tmt-0123abcd';
const TARGET_17 = 'tmt-0123456789abcdef0';

test('serve refuses an empty value for every option, naming the option', () => {
  for (const flags of ['--host <host>', '--port <port>', '--data-dir <dir>', '--default-account <id>', '--default-region <region>', '--quota <name=count>', '--mirror-dir <dir>', '--vxlan-sink <[target-id=]host:port>']) {
    const result = serve([flags.split(' ')[0]!, '']);
    assert.equal(result.status, 1, flags);
    assert.equal(result.stdout, '', flags);
    assert.equal(result.stderr, `mirrorlite: option '${flags}' argument '' is invalid. the value is empty; leave the option out to get its default\n`);
  }
  const level = serve(['--log-level', '']);
  assert.equal(level.status, 1);
  assert.match(level.stderr, /^mirrorlite: option '--log-level <level>' argument '' is invalid\. Allowed choices are fatal, error, warn, info, debug, trace, silent\.\n$/);
});

test('an empty MIRRORLITE_* variable is unset: the option takes its default', async () => {
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const empty = { MIRRORLITE_HOST: '', MIRRORLITE_DATA_DIR: '', MIRRORLITE_LOG_LEVEL: '', MIRRORLITE_MIRROR_DIR: '', TMPDIR: tmp };
  const server = await startServerProcess([], empty);
  try {
    const listening = await logLine(server, (line) => line.msg === 'listening');
    assert.equal(listening.host, '127.0.0.1', 'not every interface');
    assert.equal(listening.persistent, false);
    assert.equal(listening.level, 30, 'info');
    if (process.getuid) assert.equal(listening.mirrorDir, join(tmp, `mirrorlite-${process.getuid()}`, 'mirror'));
  } finally {
    await server.stop();
  }

  // MIRRORLITE_PORT='' is 4590, not 0 (a random port): the server listens there, or says 4590 is taken.
  const defaultPort = spawnServe([], { ...empty, MIRRORLITE_PORT: '' });
  try {
    await until(() => defaultPort.lines.length > 0 || defaultPort.exited(), 'the listening line or an exit');
    if (defaultPort.lines.length > 0) assert.equal((JSON.parse(defaultPort.lines[0]!) as { port: number }).port, 4590);
    else assert.match(defaultPort.stderr(), /EADDRINUSE.*:4590/);
  } finally {
    await defaultPort.stop();
  }
});

test('a port is digits, from 0 to 65535', () => {
  for (const port of [' ', '1e3', '0x10', '65536', '80.5']) {
    const result = serve(['--port', port]);
    assert.equal(result.status, 1, port);
    assert.equal(result.stderr, `mirrorlite: option '--port <port>' argument '${port}' is invalid. a port is an integer from 0 to 65535\n`);
  }
});

test('--quota: help lists every quota and its default, from the table the server uses; a wrong name is answered with all of them', async () => {
  const help = serve(['--help']);
  assert.equal(help.status, 0);
  assert.ok(QUOTA_FLAGS.size >= 10);
  for (const [name, key] of QUOTA_FLAGS) assert.match(help.stdout, new RegExp(`^  ${name} +${DEFAULT_QUOTAS[key]}$`, 'm'), name);

  const names = [...QUOTA_FLAGS.keys()].join(', ');
  for (const [value, message] of [
    ['nope=3', `'nope' is not a quota name; expected NAME=COUNT, NAME one of ${names}`],
    ['sessionsPerInterface=3', `'sessionsPerInterface' is not a quota name; expected NAME=COUNT, NAME one of ${names}`],
    ['sessions-per-interface=', 'expected NAME=COUNT, COUNT a whole number, e.g. sessions-per-interface=3'],
    ['rules-per-filter=5=6', 'expected NAME=COUNT, COUNT a whole number, e.g. rules-per-filter=10'],
    ['tags-per-resource=-1', 'expected NAME=COUNT, COUNT a whole number, e.g. tags-per-resource=50'],
  ] as const) {
    const result = serve(['--quota', value]);
    assert.equal(result.status, 1, value);
    assert.equal(result.stderr, `mirrorlite: option '--quota <name=count>' argument '${value}' is invalid. ${message}\n`);
  }

  // Every name is accepted, and a quota the old message did not list takes effect.
  const all = [...QUOTA_FLAGS].flatMap(([name, key]) => ['--quota', `${name}=${key === 'ipv4CidrBlocksPerVpc' ? 1 : DEFAULT_QUOTAS[key]}`]);
  const server = await startServerProcess(all);
  try {
    const vpc = field(await call(server.url, 'CreateVpc', { CidrBlock: '10.0.0.0/16' }), 'vpcId');
    await assert.rejects(call(server.url, 'AssociateVpcCidrBlock', { VpcId: vpc, CidrBlock: '10.1.0.0/16' }), (error: Ec2Error) => {
      assert.equal(error.code, 'CidrLimitExceeded');
      return true;
    });
  } finally {
    await server.stop();
  }
});

test('--vxlan-sink refuses a target ID that could never match and a host or port it could never send to', async () => {
  const expected = '; expected HOST:PORT (every target) or TARGET-ID=HOST:PORT (one target)';
  for (const [value, message] of [
    ['tmt-zzz=127.0.0.1:4789', "'tmt-zzz' is not a traffic mirror target ID (tmt- and 8 or 17 lowercase hex digits)"],
    ['tmt-0123456789ABCDEF0=127.0.0.1:4789', "'tmt-0123456789ABCDEF0' is not a traffic mirror target ID (tmt- and 8 or 17 lowercase hex digits)"],
    ['tmt-0123abc=127.0.0.1:4789', "'tmt-0123abc' is not a traffic mirror target ID (tmt- and 8 or 17 lowercase hex digits)"],
    ['tmf-0123abcd=127.0.0.1:4789', "'tmf-0123abcd' is not a traffic mirror target ID (tmt- and 8 or 17 lowercase hex digits)"],
    ['127.0.0.1', "'127.0.0.1' is not HOST:PORT (IPv6: [ADDRESS]:PORT, port 1-65535)"],
    ['127.0.0.1:0', "'127.0.0.1:0' is not HOST:PORT (IPv6: [ADDRESS]:PORT, port 1-65535)"],
    ['127.0.0.1:65536', "'127.0.0.1:65536' is not HOST:PORT (IPv6: [ADDRESS]:PORT, port 1-65535)"],
    [':4789', "':4789' is not HOST:PORT (IPv6: [ADDRESS]:PORT, port 1-65535)"],
    ['[10.0.0.1]:4789', "'10.0.0.1' is not an IPv6 address"],
    ['10.0.0.256:4789', "'10.0.0.256' is neither an IP address nor a host name"],
    ['collector_1:4789', "'collector_1' is neither an IP address nor a host name"],
    ['my collector:4789', "'my collector' is neither an IP address nor a host name"],
  ] as const) {
    const result = serve(['--vxlan-sink', value]);
    assert.equal(result.status, 1, value);
    assert.equal(result.stderr, `mirrorlite: option '--vxlan-sink <[target-id=]host:port>' argument '${value}' is invalid. ${message}${expected}\n`);
  }
  // Well formed but not resolvable (.invalid never is, RFC 6761): refused at start, naming the sink.
  const unresolvable = serve(['--port', '0', '--vxlan-sink', 'collector.invalid:4789']);
  assert.equal(unresolvable.status, 1);
  assert.match(unresolvable.stderr, /^mirrorlite: the VXLAN sink host 'collector\.invalid' cannot be resolved \(\w+\)\n$/);
  const server = await startServerProcess(['--vxlan-sink', `${TARGET_8}=127.0.0.1:4789`, '--vxlan-sink', `${TARGET_17}=[::1]:4789`, '--vxlan-sink', 'localhost:4790']);
  try {
    const listening = await logLine(server, (line) => line.msg === 'listening');
    assert.equal((listening.vxlanSinks as Record<string, string>)[TARGET_8], '127.0.0.1:4789');
    assert.equal((listening.vxlanSinks as Record<string, string>)[TARGET_17], '[::1]:4789');
    assert.ok((listening.vxlanSinks as Record<string, string>)['*']);
  } finally {
    await server.stop();
  }
});

test('without --mirror-dir, a $TMPDIR that does not exist stops serve with the reason and the way out', () => {
  const result = serve(['--port', '0'], { TMPDIR: join(dir, 'no-such-tmp') });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^mirrorlite: cannot write mirrored packets to .*no-such-tmp\/mirrorlite-.*: a folder on its path does not exist \(ENOENT: .*\); choose another directory with --mirror-dir \(or \$MIRRORLITE_MIRROR_DIR\)\n$/);
});

test('the listening line is printed at every level but silent, with the data dir made absolute', async () => {
  for (const level of ['warn', 'error', 'fatal']) {
    const dataDir = join(dir, `state-${level}`);
    const server = spawnServe(['--port', '0', '--log-level', level, '--data-dir', relative(process.cwd(), dataDir)]);
    try {
      await until(() => server.lines.length > 0 || server.exited(), `the listening line at ${level}`);
      const listening = JSON.parse(server.lines[0] ?? '{}') as Record<string, unknown>;
      assert.equal(listening.msg, 'listening', server.stderr());
      assert.equal(listening.dataDir, dataDir);
      assert.equal(listening.mirrorDir, join(dataDir, 'mirror'));
      // Only that line: requests are not logged below info.
      await fetch(`${listening.url as string}/_mirrorlite/health`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(server.lines.length, 1, level);
    } finally {
      await server.stop();
    }
  }

  const port = await closedPort();
  const silent = spawnServe(['--port', String(port), '--log-level', 'silent']);
  try {
    await until(async () => (await fetch(`http://127.0.0.1:${port}/_mirrorlite/health`).catch(() => undefined))?.ok === true, 'the silent server to answer');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(silent.lines, []);
  } finally {
    await silent.stop();
  }
});

test('/_mirrorlite/* request lines carry the caller, the ENI and the error code where the route knows them', async () => {
  const server = await startServerProcess();
  const requestLine = (path: string, status: number) => logLine(server, (line) => line.msg === 'request' && line.path === path && line.status === status);
  try {
    await fetch(`${server.url}/_mirrorlite/counters?account=111122223333&region=eu-west-1`);
    const counters = await requestLine('/_mirrorlite/counters', 200);
    assert.equal(counters.account, '111122223333');
    assert.equal(counters.region, 'eu-west-1');
    assert.equal(counters.errorCode, undefined);

    await fetch(`${server.url}/_mirrorlite/counters/reset?account=12`, { method: 'POST' });
    const refused = await requestLine('/_mirrorlite/counters/reset', 400);
    assert.equal(refused.errorCode, 'InvalidParameterValue');

    const eni = 'eni-0123456789abcdef0';
    await fetch(`${server.url}/_mirrorlite/explain?eni=${eni}`, { method: 'POST', body: Buffer.alloc(60) });
    const explain = await requestLine('/_mirrorlite/explain', 404);
    assert.equal(explain.eni, eni);
    assert.equal(explain.account, '000000000000');
    assert.equal(explain.region, 'us-east-1');
    assert.equal(explain.errorCode, 'InvalidNetworkInterfaceID.NotFound');

    // The routes that stream their body (traffic in, state import) too.
    await fetch(`${server.url}/_mirrorlite/traffic?eni=${eni}&region=eu-west-1`, { method: 'POST', body: Buffer.alloc(24) });
    const traffic = await requestLine('/_mirrorlite/traffic', 404);
    assert.equal(traffic.eni, eni);
    assert.equal(traffic.account, '000000000000');
    assert.equal(traffic.region, 'eu-west-1');
    assert.equal(traffic.errorCode, 'InvalidNetworkInterfaceID.NotFound');
    await fetch(`${server.url}/_mirrorlite/state`, { method: 'POST', body: '{"format": "other"}' });
    assert.equal((await requestLine('/_mirrorlite/state', 400)).errorCode, 'InvalidStateFile');

    await fetch(`${server.url}/_mirrorlite/no-such-route`);
    assert.equal((await requestLine('/_mirrorlite/no-such-route', 404)).errorCode, 'NotFound');
  } finally {
    await server.stop();
  }
});
