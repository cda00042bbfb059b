// The traffic route over plain HTTP, as programs that generate traffic use it, and what it does
// with bodies that are not captures: random bytes, truncated and corrupted captures, an aborted
// upload. Every one gets a 4xx with the summary so far (or nothing, when the client left), and the
// server goes on serving.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import {
  ACCOUNT,
  buildTopology,
  clientFlags,
  readCapture,
  REGION,
  runCli,
  startDataPlaneServer,
  trafficCases,
  writeCapture,
  type DataPlaneServer,
  type ReplaySummary,
  type Topology,
} from './dataplane-fixtures.js';
import { derivedTargetAddress } from '../src/service/mirror-config.js';
import { call, GWLBE_ID } from './support/topology.js';

let dp: DataPlaneServer;
let t: Topology;
let capture: Buffer;

before(async () => {
  dp = await startDataPlaneServer();
  t = await buildTopology(dp.server.url);
  const file = join(dp.dir, 'flows.pcap');
  writeCapture(file, trafficCases(t));
  capture = readFileSync(file);
});
after(() => dp.close());

const AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/${REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0`;

async function post(body: Uint8Array | ReadableStream<Uint8Array>, query = `eni=${t.a.id}`, headers: Record<string, string> = { authorization: AUTHORIZATION }) {
  const response = await fetch(`${dp.server.url}/_mirrorlite/traffic?${query}`, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  return { status: response.status, body: (await response.json()) as ReplaySummary };
}

async function healthy(): Promise<void> {
  const response = await fetch(`${dp.server.url}/_mirrorlite/health`);
  assert.equal(response.status, 200);
}

/** A deterministic generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('POST /_mirrorlite/traffic', () => {
  test('a program posts a capture as application/vnd.tcpdump.pcap, streamed, account and region in the query', async () => {
    const chunks = [capture.subarray(0, 1000), capture.subarray(1000, 1001), capture.subarray(1001)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const { status, body } = await post(stream, `eni=${t.a.id}&account=${ACCOUNT}&region=${REGION}`, { 'content-type': 'application/vnd.tcpdump.pcap' });
    assert.equal(status, 200);
    assert.equal(body.framesRead, trafficCases(t).length);
    assert.equal(body.capture.state, 'done');
  });

  test('request errors: unknown ENI (404, EC2 code), no ENI, bad account, another region, compressed body', async () => {
    const unknown = await post(capture, 'eni=eni-0123456789abcdef0');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error: { code: 'InvalidNetworkInterfaceID.NotFound', message: "The networkInterface ID 'eni-0123456789abcdef0' does not exist" } });
    const missing = await post(capture, '');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error!.code, 'MissingParameter');
    const account = await post(capture, `eni=${t.a.id}&account=12345`);
    assert.equal(account.status, 400);
    assert.equal(account.body.error!.code, 'InvalidParameterValue');
    const elsewhere = await post(capture, `eni=${t.a.id}&region=eu-west-1`);
    assert.equal(elsewhere.status, 404, 'the ENI lives in us-east-1 only');
    const gzip = await post(capture, `eni=${t.a.id}`, { authorization: AUTHORIZATION, 'content-encoding': 'gzip' });
    assert.equal(gzip.status, 415);
    await healthy();
  });

  test('random bytes: 400 with an empty summary', async () => {
    const bytes = Buffer.alloc(5000);
    const next = random(1);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
    const { status, body } = await post(bytes);
    assert.equal(status, 400);
    assert.equal(body.error!.code, 'InvalidCapture');
    assert.equal(body.capture.error!.code, 'bad-magic');
    assert.equal(body.framesRead, 0);
    assert.equal(body.bytesIn, 5000);
    const empty = await post(new Uint8Array(0));
    assert.equal(empty.status, 400);
    assert.equal(empty.body.capture.error!.code, 'truncated-capture');
  });

  test('a truncated capture: 400, and the frames before the cut are mirrored and written', async () => {
    // The header, the first three records whole, and half of the fourth.
    const records = [24];
    for (let at = 24; records.length < 5; ) {
      at += 16 + capture.readUInt32LE(at + 8);
      records.push(at);
    }
    const cut = capture.subarray(0, records[3]! + 20);
    const { status, body } = await post(cut);
    assert.equal(status, 400);
    assert.equal(body.capture.error!.code, 'truncated-capture');
    assert.equal(body.framesRead, 3);
    const mirrored = Object.values(body.mirrored).reduce((a, b) => a + b, 0);
    assert.equal(mirrored, 2, 'https in (session 1) and ssh (session 2); the https reply is rejected');
    for (const [target, file] of Object.entries(body.outputFiles)) {
      assert.ok(readCapture(file).length >= body.framesWritten[target]!, 'written before the answer');
    }
  });

  test('a record longer than any frame: 400 bad-record-length', async () => {
    const broken = Buffer.from(capture.subarray(0, 24 + 16));
    broken.writeUInt32LE(0x7fffffff, 24 + 8);
    const { status, body } = await post(broken);
    assert.equal(status, 400);
    assert.equal(body.capture.error!.code, 'bad-record-length');
  });

  test('forty corrupted bodies: never a 5xx, and the server stays up', async () => {
    const next = random(42);
    for (let i = 0; i < 40; i++) {
      const body = Buffer.from(capture.subarray(0, 24 + Math.floor(next() * (capture.length - 24))));
      const flips = 1 + Math.floor(next() * 20);
      for (let f = 0; f < flips; f++) body[Math.floor(next() * body.length)] = Math.floor(next() * 256);
      const answer = await post(body);
      assert.ok(answer.status === 200 || answer.status === 400, `case ${i}: ${answer.status} ${JSON.stringify(answer.body.error)}`);
      assert.equal(typeof answer.body.framesRead, 'number');
    }
    await healthy();
  });

  test('a client that leaves mid-upload: no answer, the server stays up and replays the next one', async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${dp.server.url}/_mirrorlite/traffic?eni=${t.a.id}`, { method: 'POST', headers: { authorization: AUTHORIZATION, 'content-length': String(capture.length) } });
      req.on('error', () => resolve());
      req.write(capture.subarray(0, capture.length >> 1), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
    });
    await healthy();
    const { status } = await post(capture);
    assert.equal(status, 200);
    // Files stay open only while a replay runs: with none running, the server holds none of them.
    const fds = `/proc/${dp.server.child.pid}/fd`;
    if (existsSync(fds)) {
      const open = readdirSync(fds).map((fd) => {
        try {
          return readlinkSync(join(fds, fd));
        } catch {
          return '';
        }
      });
      assert.deepEqual(open.filter((target) => target.startsWith(dp.mirrorDir)), []);
    }
  });

  test('the CLI on a broken capture: exit 1, the server message on stderr, the summary on stdout', async () => {
    const file = join(dp.dir, 'broken.pcap');
    writeFileSync(file, Buffer.concat([capture.subarray(0, 24), Buffer.from('this is not a pcap record, just text that goes on')]));
    const result = await runCli(['replay', file, '--eni', t.a.id, ...clientFlags(dp.server.url)]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /the server answered 400: InvalidCapture: /);
    assert.equal((JSON.parse(result.stdout) as ReplaySummary).framesRead, 0);
    const unknown = await runCli(['replay', file, '--eni', 'eni-0123456789abcdef0', ...clientFlags(dp.server.url)]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /404: InvalidNetworkInterfaceID\.NotFound/);
    const missing = await runCli(['replay', join(dp.dir, 'no-such.pcap'), '--eni', t.a.id, ...clientFlags(dp.server.url)]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot read .*no-such\.pcap: no such file/);
  });
});

test('mirrorlite: tags that cannot be used are ignored, with a warning in the summary', async () => {
  const ec2 = (action: string, params: Record<string, string | number>) => call(dp.server.url, action, params, ACCOUNT, REGION);
  await ec2('CreateTags', { 'ResourceId.1': t.t.id, 'Tag.1.Key': 'mirrorlite:mtu', 'Tag.1.Value': '20000' });
  await ec2('CreateTags', { 'ResourceId.1': t.targets.tg, 'Tag.1.Key': 'mirrorlite:address', 'Tag.1.Value': 'collector.internal' });
  try {
    const { status, body } = await post(capture);
    assert.equal(status, 200);
    assert.deepEqual(body.warnings, [
      `${t.t.id}: tag mirrorlite:mtu='20000' ignored (an integer from 68 to 9001); MTU 9001`,
      `${t.targets.tg}: tag mirrorlite:address='collector.internal' ignored (an IPv4 address); using ${derivedTargetAddress(GWLBE_ID)}`,
    ]);
  } finally {
    await ec2('CreateTags', { 'ResourceId.1': t.t.id, 'Tag.1.Key': 'mirrorlite:mtu', 'Tag.1.Value': '200' });
    await ec2('CreateTags', { 'ResourceId.1': t.targets.tg, 'Tag.1.Key': 'mirrorlite:address', 'Tag.1.Value': '198.19.7.7' });
  }
});

