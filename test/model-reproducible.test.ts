// The committed model and types are what model/cut-model.mjs makes from botocore's EC2 model.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MODEL_PATH, PACKAGE_ROOT, STS_MODEL_PATH } from '../src/server/package-files.js';

const recorded = (JSON.parse(readFileSync(MODEL_PATH, 'utf8')) as { metadata: { mirrorlite: { cutFrom: { botocore?: string } } } }).metadata
  .mirrorlite.cutFrom.botocore;
const installed = execFileSync('python3', ['-c', 'import botocore; print(botocore.__version__)'], { encoding: 'utf8' }).trim();

test(
  're-running the cut script reproduces model/ec2-model.json, model/sts-model.json and their types exactly',
  { skip: recorded !== installed && `the model was cut from botocore ${recorded}; this machine has ${installed}` },
  () => {
    const result = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'model', 'cut-model.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  },
);

test('the model holds the 15 Traffic Mirroring operations and the 40 they stand on, nothing else', () => {
  const model = JSON.parse(readFileSync(MODEL_PATH, 'utf8')) as { operations: Record<string, unknown>; shapes: Record<string, { documentation?: string }> };
  const names = Object.keys(model.operations);
  assert.equal(names.filter((name) => name.includes('TrafficMirror')).length, 15);
  assert.equal(names.length, 55);
  assert.ok(!readFileSync(MODEL_PATH, 'utf8').includes('"documentation"'), 'documentation strings are cut');
});

test('the STS model holds GetCallerIdentity, nothing else, and knows the rest of STS by name', () => {
  const text = readFileSync(STS_MODEL_PATH, 'utf8');
  const model = JSON.parse(text) as { metadata: { protocol: string; apiVersion: string; mirrorlite: { otherOperations: string[] } }; operations: Record<string, unknown> };
  assert.deepEqual(Object.keys(model.operations), ['GetCallerIdentity']);
  assert.equal(model.metadata.protocol, 'query');
  assert.equal(model.metadata.apiVersion, '2011-06-15');
  assert.ok(model.metadata.mirrorlite.otherOperations.includes('AssumeRole'));
  assert.ok(!text.includes('"documentation"'), 'documentation strings are cut');
});
