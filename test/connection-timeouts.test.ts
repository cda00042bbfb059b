// A client that goes silent mid-request is answered 408 and loses its connection; a request that
// keeps sending may take as long as it needs (a long replay); the server keeps serving throughout.
// The server runs in this process, with a short idle timeout, so the test waits a second, not two minutes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../src/server/server.js';
import { ACCOUNT, buildTopology, REGION, trafficCases, type Topology } from './dataplane-fixtures.js';
import { PcapWriter } from '../src/dataplane/pcap-writer.js';

const IDLE_MS = 400;
let server: RunningServer;
let dir: string;
let topology: Topology;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mirrorlite-timeouts-'));
  server = await startServer({ port: 0, logLevel: 'silent', mirrorDir: join(dir, 'mirror'), idleTimeoutMs: IDLE_MS });
  topology = await buildTopology(server.url);
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw connection: everything the server sends, and when it closed. */
function rawConnection(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now())));
    socket.once('error', () => {});
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

const FORM = 'Action=DescribeVpcs&Version=2016-11-15';
const queryHead = (length: number) =>
  `POST / HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${length}\r\n\r\n`;

test('a Query request whose body stops coming is answered 408 and its connection closed, after the idle timeout', async () => {
  const { socket, received, closed } = await rawConnection();
  const sentAt = Date.now();
  socket.write(queryHead(FORM.length) + FORM.slice(0, 10));
  const closedAt = await closed;
  assert.match(received(), /^HTTP\/1\.1 408 /);
  assert.ok(closedAt - sentAt >= IDLE_MS - 50, `closed after ${closedAt - sentAt} ms`);
  assert.ok(closedAt - sentAt < IDLE_MS * 10, `closed after ${closedAt - sentAt} ms`);
});

test('the second request on a kept-alive connection is held to the same idle timeout', async () => {
  const { socket, received, closed } = await rawConnection();
  socket.write(queryHead(FORM.length) + FORM);
  await sleep(100);
  assert.match(received(), /^HTTP\/1\.1 200 /);
  socket.write(queryHead(FORM.length) + FORM.slice(0, 10));
  await closed;
  assert.match(received(), /HTTP\/1\.1 408 /);
  assert.equal(received().match(/HTTP\/1\.1 /g)?.length, 2);
});

test('an idle connection with no request on it is closed without an answer', async () => {
  const { received, closed } = await rawConnection();
  await closed;
  assert.equal(received(), '');
});

test('a replay that keeps sending for many idle periods is not cut off, and the server answers others meanwhile', async () => {
  const cases = trafficCases(topology).slice(0, 12);
  const writer = new PcapWriter();
  for (const c of cases) writer.writeRecord(c.seconds, c.microseconds, c.frame, 0, c.frame.length);
  const capture = Buffer.from(writer.bytes());
  const { socket, received, closed } = await rawConnection();
  const path = `/_mirrorlite/traffic?eni=${topology.a.id}&account=${ACCOUNT}&region=${REGION}`;
  socket.write(`POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/vnd.tcpdump.pcap\r\ncontent-length: ${capture.length}\r\nconnection: close\r\n\r\n`);
  const pieces = 8;
  const started = Date.now();
  for (let i = 0; i < pieces; i++) {
    socket.write(capture.subarray(Math.floor((i * capture.length) / pieces), Math.floor(((i + 1) * capture.length) / pieces)));
    const other = await fetch(`${server.url}/?${FORM}`);
    assert.equal(other.status, 200);
    await sleep(IDLE_MS / 2);
  }
  await closed;
  assert.ok(Date.now() - started > IDLE_MS * 2, 'the upload lasted longer than the idle timeout');
  const answer = received();
  assert.match(answer, /^HTTP\/1\.1 200 /, answer.slice(0, 200));
  const summary = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { framesRead: number };
  assert.equal(summary.framesRead, cases.length);
});
