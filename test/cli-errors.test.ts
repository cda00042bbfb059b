// The command-line clients fail the way a user can act on: exit 1, one line on stderr naming what
// is wrong, nothing on stdout, no stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { CLI } from './support/server-process.js';

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

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
