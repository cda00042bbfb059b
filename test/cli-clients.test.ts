// The command-line clients reach a server through the --endpoint they are given, path included: a
// server published under a prefix by a reverse proxy is used like one at the root. And they send
// what they read as it is, from a file or a pipe.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildTopology, clientFlags, runCli, startDataPlaneServer, trafficCases, writeCapture, type DataPlaneServer, type Topology } from './dataplane-fixtures.js';

const PREFIX = '/mirrorlite';

/**
 * A reverse proxy that serves the server under PREFIX: it strips the prefix and forwards, and
 * answers 404 to anything outside it. It records the paths it was asked for.
 */
async function prefixProxy(target: string): Promise<{ server: Server; url: string; paths: string[] }> {
  const paths: string[] = [];
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    paths.push(incoming.url ?? '');
    if (!incoming.url?.startsWith(`${PREFIX}/`)) {
      outgoing.writeHead(404, { 'content-type': 'text/plain' }).end(`no such path: ${incoming.url}\n`);
      incoming.resume();
      return;
    }
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url.slice(PREFIX.length), headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}${PREFIX}`, paths };
}

describe('clients of a running server', () => {
  let dp: DataPlaneServer;
  let t: Topology;
  let proxy: Awaited<ReturnType<typeof prefixProxy>>;
  let capture: string;

  before(async () => {
    dp = await startDataPlaneServer();
    t = await buildTopology(dp.server.url);
    proxy = await prefixProxy(dp.server.url);
    capture = join(dp.dir, 'flows.pcap');
    writeCapture(capture, trafficCases(t));
  });
  after(async () => {
    proxy.server.close();
    await dp.close();
  });

  test('replay, explain and state export and import reach the server under the prefix', async () => {
    for (const endpoint of [proxy.url, `${proxy.url}/`]) {
      proxy.paths.length = 0;
      const flags = clientFlags(endpoint);
      const replayed = await runCli(['replay', capture, '--eni', t.a.id, ...flags]);
      assert.equal(replayed.status, 0, replayed.stderr);
      assert.equal((JSON.parse(replayed.stdout) as { framesRead: number }).framesRead, trafficCases(t).length);
      const explained = await runCli(['explain', '--eni', t.a.id, '--packet', 'tcp 203.0.113.5:50000 -> 10.0.1.10:443', '--json', ...flags]);
      assert.equal(explained.status, 0, explained.stderr);
      assert.equal((JSON.parse(explained.stdout) as { sessionId: string }).sessionId, t.sessions.s1);
      const exported = await runCli(['state', 'export', '--endpoint', endpoint]);
      assert.equal(exported.status, 0, exported.stderr);
      const stateFile = join(dp.dir, 'state.json');
      writeFileSync(stateFile, exported.stdout);
      const imported = await runCli(['state', 'import', stateFile, '--endpoint', endpoint]);
      assert.equal(imported.status, 0, imported.stderr);
      assert.match(imported.stderr, new RegExp(`^imported \\d+ records into ${proxy.url}\\n$`));
      assert.deepEqual(
        proxy.paths.map((path) => path.split('?', 1)[0]),
        [`${PREFIX}/_mirrorlite/traffic`, `${PREFIX}/_mirrorlite/explain`, `${PREFIX}/_mirrorlite/state`, `${PREFIX}/_mirrorlite/state`],
        endpoint,
      );
    }
  });

  test('a capture from a named pipe, as `replay <(tcpdump …)` reads one, is sent whole', async () => {
    // A pipe's size is 0 whatever it holds: sent as its length, the server read an empty capture.
    const fifo = join(dp.dir, 'capture.fifo');
    execFileSync('mkfifo', [fifo]);
    const writing = new Promise<void>((resolve, reject) => createWriteStream(fifo).on('error', reject).end(readFileSync(capture), resolve));
    const result = await runCli(['replay', fifo, '--eni', t.a.id, ...clientFlags(dp.server.url)]);
    await writing;
    assert.equal(result.status, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { framesRead: number }).framesRead, trafficCases(t).length);
  });

  test('a prefix the proxy does not serve: its answer is reported, with the path the client asked for', async () => {
    const elsewhere = proxy.url.replace(PREFIX, '/elsewhere');
    const result = await runCli(['state', 'export', '--endpoint', elsewhere]);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, 'mirrorlite: the server answered 404: no such path: /elsewhere/_mirrorlite/state\n');
  });
});

test('replay prints a summary of another shape as it is: one that lacks the capture counts or warnings is not an error', async () => {
  // A server that reads the body and answers only what it knows, as the benchmark's bare server does.
  const minimal = createServer((incoming, outgoing) => {
    let bytes = 0;
    incoming.on('data', (chunk: Buffer) => (bytes += chunk.length));
    incoming.on('end', () => outgoing.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ framesRead: 2, bytes })));
  });
  await new Promise<void>((resolve) => minimal.listen(0, '127.0.0.1', resolve));
  try {
    const capture = join(tmpdir(), `mirrorlite-minimal-${process.pid}.pcap`);
    writeFileSync(capture, Buffer.alloc(24));
    const result = await runCli(['replay', capture, '--eni', 'eni-0123456789abcdef0', '--endpoint', `http://127.0.0.1:${(minimal.address() as { port: number }).port}`]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { framesRead: 2, bytes: 24 });
    assert.equal(result.stderr, '');
  } finally {
    minimal.close();
  }
});
