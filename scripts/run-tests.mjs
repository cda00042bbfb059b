#!/usr/bin/env node
// Runs every test: the compiled node:test files (unit tests beside the code, end-to-end suites in
// test/) and the boto3 suites in test/python with pytest. `npm test` builds first (pretest).
//
//   node scripts/run-tests.mjs               everything
//   node scripts/run-tests.mjs node          only node:test files
//   node scripts/run-tests.mjs python        only pytest
//   node scripts/run-tests.mjs node <filter> node:test files whose path contains <filter>
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const [only, filter] = process.argv.slice(2);

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.test.js'))
    .map((file) => join(dir, file))
    .filter((file) => !filter || relative(root, file).includes(filter))
    .sort();
}

let failed = false;
const started = Date.now();

if (!only || only === 'node') {
  const files = ['src', 'test'].flatMap((dir) => testFiles(join(root, 'dist', dir)));
  console.log(`node:test: ${files.length} files`);
  const result = spawnSync(process.execPath, ['--test', '--test-concurrency=4', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    cwd: root,
  });
  failed ||= result.status !== 0;
}

if (!only || only === 'python') {
  const pythonDir = join(root, 'test', 'python');
  if (existsSync(pythonDir)) {
    const args = ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', pythonDir];
    if (filter) args.push('-k', filter);
    const result = spawnSync('python3', args, { stdio: 'inherit', cwd: root });
    failed ||= result.status !== 0;
  }
}

console.log(`tests ${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
