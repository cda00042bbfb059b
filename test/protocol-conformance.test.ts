// The EC2 Query protocol cases the AWS SDKs test themselves with, run in reverse (see the cases'
// README): a request body a client sends must parse back to the client's params, and the output we
// serialise must read, with a real SDK parser (botocore's), as the result the client expects.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ApiError } from '../src/protocol/api-error.js';
import { parseQueryInput } from '../src/protocol/query-parser.js';
import { ServiceModel, type OperationDefinition, type Shape } from '../src/protocol/service-model.js';
import { XmlWriter } from '../src/protocol/xml-writer.js';
import { decodeBody } from '../src/server/body-decoding.js';
import { PACKAGE_ROOT } from '../src/server/package-files.js';
import { botocore } from './support/botocore-bridge.js';

// A copy of ../shared/conformance/ec2-protocol-tests, so that a clone without ../shared runs them too.
const CASES_DIR = join(PACKAGE_ROOT, 'test', 'conformance', 'ec2-protocol-tests');
const SHARED_CASES_DIR = join(PACKAGE_ROOT, '..', 'shared', 'conformance', 'ec2-protocol-tests');

interface Suite {
  description: string;
  metadata: Record<string, unknown>;
  shapes: Record<string, Shape>;
  cases: Case[];
}

interface Case {
  id?: string;
  description: string;
  given: OperationDefinition;
  params?: Record<string, unknown>;
  serialized?: { body?: string; headers?: Record<string, string> };
  result?: Record<string, unknown>;
  response?: { status_code: number; headers: Record<string, string>; body: string };
  errorCode?: string;
  errorMessage?: string;
  error?: Record<string, unknown>;
}

const load = (file: string): Suite[] => JSON.parse(readFileSync(join(CASES_DIR, file), 'utf8')) as Suite[];

test('the cases are the shared ones, byte for byte', { skip: !existsSync(SHARED_CASES_DIR) && `${SHARED_CASES_DIR} is not beside this clone` }, () => {
  for (const file of ['input.json', 'output.json']) {
    assert.ok(readFileSync(join(CASES_DIR, file)).equals(readFileSync(join(SHARED_CASES_DIR, file))), `${file} differs from the shared copy`);
  }
});

function modelOf(suite: Suite, operation: OperationDefinition): ServiceModel {
  return new ServiceModel({
    metadata: { apiVersion: '2020-01-08', protocol: 'ec2', ...suite.metadata } as ServiceModel['document']['metadata'],
    operations: { [operation.name]: operation },
    shapes: suite.shapes,
  });
}

/** Values as the case files write them: timestamps in epoch seconds, blobs as text, NaN as a string. */
function plain(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  }
  return value;
}

/** botocore reads NaN and infinities as floats; the case files write them as strings. */
function normaliseBotocore(value: unknown): unknown {
  if (value === null) return value;
  if (Array.isArray(value)) return value.map(normaliseBotocore);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as object).map(([key, inner]) => [key, normaliseBotocore(inner)]));
  }
  return value;
}

describe('EC2 Query protocol conformance: input (client bodies parse back to params)', () => {
  const suites = load('input.json');
  const withoutBody = suites.flatMap((suite) =>
    suite.cases.filter((c) => c.serialized?.body === undefined).map((c) => ({ suite, c })),
  );
  // Bodies the case files leave out (compressed requests) are written by botocore's serializer.
  const serialized = botocore<string>({
    serialize: withoutBody.map(({ suite, c }) => ({ model: { shapes: suite.shapes, metadata: suite.metadata }, operation: c.given, params: c.params })),
  });
  const generatedBodies = new Map(withoutBody.map(({ c }, i) => [c, serialized[i]!]));

  for (const suite of suites) {
    for (const c of suite.cases) {
      test(`${c.given.name}: ${(c.description ?? '').split('\n')[0] || c.id}`, () => {
        const model = modelOf(suite, c.given);
        const encoding = c.serialized?.headers?.['Content-Encoding'];
        const text = c.serialized?.body ?? generatedBodies.get(c)!;
        const raw = encoding === 'gzip' ? gzipSync(text) : Buffer.from(text);
        const body = decodeBody(raw, encoding, 1024 * 1024).toString('utf8');
        const pairs = [...new URLSearchParams(body)];
        const envelope = Object.fromEntries(pairs.filter(([key]) => key === 'Action' || key === 'Version'));
        assert.equal(envelope.Action, c.given.name);
        const parsed = parseQueryInput(model, c.given.input?.shape, pairs, new Set(['Action', 'Version']));

        const expected: Record<string, unknown> = { ...c.params };
        // An idempotency token the client filled in itself is part of what it sent.
        const members = c.given.input ? (suite.shapes[c.given.input.shape]!.members ?? {}) : {};
        for (const [name, ref] of Object.entries(members)) {
          if (ref.idempotencyToken && expected[name] === undefined && parsed[name] !== undefined) expected[name] = parsed[name];
        }
        // A list the client sent empty is not on the wire at all.
        for (const [name, value] of Object.entries(expected)) {
          if (Array.isArray(value) && value.length === 0) delete expected[name];
        }
        assert.deepEqual(plain(parsed), plain(expected));
      });
    }
  }
});

describe('EC2 Query protocol conformance: output (our XML reads as the expected result)', () => {
  const suites = load('output.json');
  const cases = suites.flatMap((suite) => suite.cases.map((c) => ({ suite, c })));
  const ours = cases.map(({ suite, c }) => {
    const writer = new XmlWriter(modelOf(suite, c.given));
    if (c.errorCode) {
      const error = new ApiError(c.errorCode, c.errorMessage ?? 'Hi', c.response!.status_code, c.error);
      return writer.error(error, 'foo-id', c.errorCode).toString('utf8');
    }
    return writer.response(c.given.name, c.result, 'requestid').toString('utf8');
  });
  const parse = (body: string, { suite, c }: (typeof cases)[number]) => ({
    model: { shapes: suite.shapes, metadata: suite.metadata },
    operation: c.given,
    response: { ...c.response, body },
    errorShape: c.errorCode,
  });
  const parsedOurs = botocore<Record<string, unknown>>({ parse: cases.map((item, i) => parse(ours[i]!, item)) });
  const parsedReference = botocore<Record<string, unknown>>({ parse: cases.map((item) => parse(item.c.response!.body, item)) });

  cases.forEach(({ c }, i) => {
    test(`${c.given.name}: ${(c.description ?? '').split('\n')[0] || c.id}`, () => {
      const { __requestId: requestId, ...read } = parsedOurs[i]!;
      const { __requestId: _, ...readReference } = parsedReference[i]!;
      if (c.errorCode) {
        assert.equal(requestId, 'foo-id');
        const error = read.Error as Record<string, unknown>;
        assert.equal(error.Code, c.errorCode);
        if (c.errorMessage) assert.equal(error.Message, c.errorMessage);
        for (const [key, value] of Object.entries(c.error ?? {})) assert.deepEqual(error[key], value);
        return;
      }
      assert.equal(requestId, 'requestid');
      const expected = plain(c.result) as Record<string, unknown>;
      const got = normaliseBotocore(read) as Record<string, unknown>;
      const reference = normaliseBotocore(readReference) as Record<string, unknown>;
      // Members botocore cannot read even from AWS's reference body (flattened lists) are compared
      // as XML: our elements must be the reference's elements.
      const blind = Object.keys(expected).filter((key) => JSON.stringify(plain(reference[key])) !== JSON.stringify(expected[key]));
      for (const key of Object.keys(expected)) {
        if (!blind.includes(key)) assert.deepEqual(plain(got[key]), expected[key], `member ${key}`);
      }
      assert.deepEqual(Object.keys(got).filter((key) => !blind.includes(key)).sort(), Object.keys(expected).filter((key) => !blind.includes(key)).sort());
      if (blind.length) {
        const shape = c.given.output ? (suites.find((s) => s.cases.includes(c))!.shapes[c.given.output.shape]!) : undefined;
        const names = blind.map((key) => shape?.members?.[key]?.locationName ?? key);
        const [oursTrees, referenceTrees] = botocore<Record<string, unknown>>({
          subtrees: [
            { xml: ours[i], names },
            { xml: c.response!.body, names },
          ],
        });
        assert.deepEqual(oursTrees, referenceTrees);
        for (const name of names) assert.ok((oursTrees![name] as unknown[]).length > 0, `element ${name} is written`);
      }
    });
  });
});
