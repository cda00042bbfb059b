// The README's operation table is the truth: every operation it lists is served, every Describe
// accepts exactly the filter names it lists, and nothing the model serves is missing from it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MODEL_PATH, PACKAGE_ROOT } from '../src/server/package-files.js';
import { describeFilterNames, handlers } from '../src/service/operations.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { call, Ec2Error } from './support/topology.js';

const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
const rows = new Map<string, string[]>();
for (const match of readme.matchAll(/^\| ([A-Z][A-Za-z0-9]+) \|(.*)\|$/gm)) {
  if (match[1] === 'Operation') continue;
  rows.set(match[1]!, [...match[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}
const modelOperations = Object.keys((JSON.parse(readFileSync(MODEL_PATH, 'utf8')) as { operations: object }).operations);

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(() => server.stop());

test('the table lists every operation of the model, each with a handler', () => {
  assert.deepEqual([...rows.keys()].sort(), [...modelOperations].sort());
  for (const operation of rows.keys()) assert.ok(operation in handlers, `${operation} has a handler`);
});

test('each Describe lists exactly the filter names its handler accepts', () => {
  for (const [operation, filters] of rows) {
    assert.deepEqual([...filters].sort(), [...(describeFilterNames[operation] ?? [])].sort(), operation);
  }
});

test('the server accepts every listed filter name, and tag filters, on every Describe', async () => {
  for (const [operation, filters] of rows) {
    // DescribeVpcAttribute is a Describe without filters.
    if (!operation.startsWith('Describe') || !describeFilterNames[operation]) continue;
    for (const name of [...filters, 'tag:Name', 'tag-key']) {
      await call(server.url, operation, { 'Filter.1.Name': name, 'Filter.1.Value.1': 'x*' });
    }
    await assert.rejects(call(server.url, operation, { 'Filter.1.Name': 'no-such-filter', 'Filter.1.Value.1': 'x' }), (error: Ec2Error) => {
      assert.equal(error.code, 'InvalidParameterValue');
      return true;
    });
  }
});
