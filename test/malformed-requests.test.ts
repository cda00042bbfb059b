// 200+ malformed requests (random keys, huge list indexes, wrong types, binary bodies, …), each
// answered with a 4xx EC2 error envelope; none can produce a 5xx, and the stored state is unchanged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Shape } from '../src/protocol/service-model.js';
import { inputWireName } from '../src/protocol/wire-names.js';
import { MODEL_PATH } from '../src/server/package-files.js';
import { buildTopology, snapshotDescribes } from './support/topology.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const model = JSON.parse(readFileSync(MODEL_PATH, 'utf8')) as { operations: Record<string, { input?: { shape: string } }>; shapes: Record<string, Shape> };
const operations = Object.keys(model.operations);

/** A small deterministic PRNG (mulberry32), so a failure reproduces from its seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Malformed {
  kind: string;
  body: Buffer | string;
  headers?: Record<string, string>;
}

/** Wire names of the members of an operation's input, by the type of shape they hold. */
function membersOf(operation: string) {
  const shapeName = model.operations[operation]!.input?.shape;
  const shape = shapeName ? model.shapes[shapeName]! : { type: 'structure' as const, members: {} };
  return Object.entries(shape.members ?? {}).map(([name, ref]) => ({ wire: inputWireName(name, ref), type: model.shapes[ref.shape]!.type, required: (shape.required ?? []).includes(name) }));
}

function generate(random: () => number): Malformed[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const word = (n: number) => Array.from({ length: n }, () => pick('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-'.split(''))).join('');
  const action = () => pick(operations);
  const form = (pairs: [string, string][]) => new URLSearchParams([['Version', '2016-11-15'], ...pairs]).toString();
  const out: Malformed[] = [];
  const makers: (() => Malformed | undefined)[] = [
    () => ({ kind: 'random key', body: form([['Action', action()], [`X${word(1 + Math.floor(random() * 12))}`, word(5)]]) }),
    () => {
      const op = action();
      const list = membersOf(op).find((m) => m.type === 'list');
      if (!list) return undefined;
      const index = pick(['0', '-1', 'abc', '01', '1e3', '9999999999', '99999999999999999999999', '']);
      return { kind: 'bad list index', body: form([['Action', op], [`${list.wire}.${index}`, 'x']]) };
    },
    () => {
      const op = action();
      const int = membersOf(op).find((m) => m.type === 'integer');
      if (!int) return undefined;
      return { kind: 'not an integer', body: form([['Action', op], [int.wire, pick(['ten', '1.5', '', '0x10', '99999999999999999999', '1e3', ' 7'])]]) };
    },
    () => ({ kind: 'not a boolean', body: form([['Action', action()], ['DryRun', pick(['yes', '1', '', 'TRUE!', 'null'])]]) }),
    () => {
      const op = pick(operations.filter((o) => membersOf(o).some((m) => m.required)));
      return { kind: 'missing required', body: form([['Action', op]]) };
    },
    () => ({ kind: 'unknown action', body: form([['Action', `${word(8)}Op`]]) }),
    () => ({ kind: 'no action', body: form([[word(6), word(3)]]) }),
    () => ({ kind: 'binary body', body: Buffer.from(Array.from({ length: 1 + Math.floor(random() * 400) }, () => Math.floor(random() * 256))) }),
    () => ({ kind: 'binary gzip', body: Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))), headers: { 'content-encoding': 'gzip' } }),
    () => ({ kind: 'control characters', body: form([['Action', 'CreateTrafficMirrorFilter'], ['Description', `a\u0001b\u0000`]]) }),
    () => ({ kind: 'duplicate parameter', body: `${form([['Action', action()]])}&Action=DescribeVpcs` + `&DryRun=true&DryRun=false` }),
    () => {
      const op = action();
      const struct = membersOf(op).find((m) => m.type === 'structure');
      if (!struct) return undefined;
      return { kind: 'value on a structure', body: form([['Action', op], [struct.wire, 'x']]) };
    },
    () => ({ kind: 'nested unknown', body: form([['Action', 'DescribeTrafficMirrorSessions'], ['Filter.1.Name', 'session-number'], ['Filter.1.Value.1', '1'], [`Filter.1.${word(4)}`, 'x']]) }),
    () => ({ kind: 'bad enum', body: form([['Action', 'CreateTrafficMirrorFilterRule'], ['TrafficMirrorFilterId', 'tmf-0123456789abcdef0'], ['TrafficDirection', word(5)], ['RuleNumber', '1'], ['RuleAction', 'accept'], ['SourceCidrBlock', '0.0.0.0/0'], ['DestinationCidrBlock', '0.0.0.0/0']]) }),
    () => ({ kind: 'unsupported encoding', body: 'Action=DescribeVpcs', headers: { 'content-encoding': 'br' } }),
    () => ({ kind: 'bad attribute', body: form([['Action', 'DescribeNetworkInterfaceAttribute'], ['NetworkInterfaceId', pick(['eni-0123456789abcdef0', 'nic', ''])], ['Attribute', pick([word(6), 'SourceDestCheck', '', 'groupset'])]]) }),
    () => ({ kind: 'bad zone', body: form([['Action', 'DescribeAvailabilityZones'], [pick(['ZoneName', 'ZoneId']) + '.' + pick(['1', '0', 'x', '2']), pick([word(10), '', 'us-east-1*'])]]) }),
    // A documented filter without a value, or a filter DescribeAvailabilityZones does not have.
    () => ({ kind: 'zone filter', body: form([['Action', 'DescribeAvailabilityZones'], ...(random() < 0.5 ? [['Filter.1.Name', pick(['zone-name', 'state', 'zone-id'])] as [string, string]] : [['Filter.1.Name', pick([`x${word(7)}`, 'availability-zone', 'vpc-id'])], ['Filter.1.Value.1', word(3)]] as [string, string][])]) }),
  ];
  while (out.length < 240) {
    const made = pick(makers)();
    if (made) out.push(made);
  }
  return out;
}

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(() => server.stop());

test('240 malformed requests each get a 4xx EC2 error and change nothing', async () => {
  await buildTopology(server.url);
  const before = await snapshotDescribes(server.url);
  const requests = generate(prng(20261123));
  const kinds = new Map<string, number>();
  for (const request of requests) {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...request.headers },
      body: request.body,
    });
    const text = await response.text();
    const detail = `${request.kind}: ${String(request.body).slice(0, 200)} → ${response.status} ${text.slice(0, 300)}`;
    assert.ok(response.status >= 400 && response.status < 500, detail);
    assert.match(text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>[A-Za-z.]+<\/Code><Message>/, detail);
    kinds.set(request.kind, (kinds.get(request.kind) ?? 0) + 1);
  }
  assert.ok(kinds.size >= 15, `every kind of malformation was sent: ${[...kinds.keys()].join(', ')}`);
  assert.deepEqual(await snapshotDescribes(server.url), before);
  const health = await fetch(`${server.url}/_mirrorlite/health`);
  assert.equal(health.status, 200, 'the server is still up');
});
