// The README's "Dependencies point one way", checked on the source: each folder of src/ may import
// only the folders listed for it here, so a new import against the grain fails a test instead of
// waiting for a reviewer.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PACKAGE_ROOT } from '../src/server/package-files.js';

const BOTTOM = ['net', 'os'];
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  cli: ['server', 'service', 'state', 'protocol', 'dataplane', ...BOTTOM],
  server: ['service', 'state', 'protocol', 'dataplane', ...BOTTOM],
  service: ['state', 'protocol', 'dataplane', ...BOTTOM],
  state: BOTTOM,
  protocol: BOTTOM,
  dataplane: BOTTOM,
  net: [],
  os: [],
};

// Static `from '../x/…'` and dynamic `import('../x/…')`; `../../model` is the generated model, not a layer.
const LAYER_IMPORT = /(?:from\s+|import\()'\.\.\/([a-z]+)\//g;

test('each layer of src/ imports only the layers below it', () => {
  const src = join(PACKAGE_ROOT, 'src');
  const layers = readdirSync(src, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  assert.deepEqual([...layers].sort(), Object.keys(ALLOWED).sort(), 'every folder of src/ has its place in ALLOWED');
  const against: string[] = [];
  for (const layer of layers) {
    for (const file of readdirSync(join(src, layer)).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      const text = readFileSync(join(src, layer, file), 'utf8');
      for (const [, imported] of text.matchAll(LAYER_IMPORT)) {
        if (!ALLOWED[layer]!.includes(imported!)) against.push(`src/${layer}/${file} imports ${imported}`);
      }
    }
  }
  assert.deepEqual(against, []);
});
