import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceModel } from '../protocol/service-model.js';
import type { HandlerTable } from '../service/call-context.js';
import { handlers, notImplemented } from '../service/operations.js';
import { buildDispatchTable } from './dispatch-table.js';
import { MODEL_PATH } from './package-files.js';

const model = ServiceModel.fromFile(MODEL_PATH);

test('every operation of the model is served: the real table builds, with no operation left unimplemented', () => {
  const table = buildDispatchTable(model, handlers, notImplemented);
  assert.equal(table.size, model.operationNames.length);
  assert.deepEqual([...table.values()].filter((entry) => entry.kind !== 'handled'), []);
  assert.deepEqual(notImplemented, []);
});

test('an operation with neither a handler nor a not-implemented entry stops start-up', () => {
  const { DescribeTrafficMirrorSessions: _forgotten, ...rest } = handlers;
  assert.throws(() => buildDispatchTable(model, rest as HandlerTable, []), /operations without a handler: DescribeTrafficMirrorSessions/);
});

test('an operation listed as not implemented is accepted, and answers as such', () => {
  const { DescribeTrafficMirrorSessions: _pending, ...rest } = handlers;
  const table = buildDispatchTable(model, rest as HandlerTable, ['DescribeTrafficMirrorSessions']);
  assert.equal(table.get('DescribeTrafficMirrorSessions')?.kind, 'not-implemented');
});

test('a handler for an operation the model lacks stops start-up', () => {
  assert.throws(() => buildDispatchTable(model, { ...handlers, LaunchRocket: () => ({}) } as HandlerTable, []), /handlers for operations the model lacks: LaunchRocket/);
});
