import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const LOGGER = new URL('./logger.js', import.meta.url).href;

/** Runs `body` in a fresh process with `logger` created; returns its stdout lines and time taken. */
function run(body: string): { lines: Array<Record<string, unknown>>; stderr: string; ms: number } {
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', `import { createLogger } from ${JSON.stringify(LOGGER)};\nconst logger = createLogger('info');\n${body}`], {
    encoding: 'utf8',
  });
  const lines = child.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, stderr: child.stderr, ms: Date.now() - started };
}

test('lines held in the batch are written when the process exits, a crash included', () => {
  const exited = run(`logger.info({ n: 1 }, 'first'); logger.info({ n: 2 }, 'second'); process.exit(3);`);
  assert.deepEqual(
    exited.lines.map((line) => [line.msg, line.n, line.name]),
    [
      ['first', 1, 'mirrorlite'],
      ['second', 2, 'mirrorlite'],
    ],
  );
  const crashed = run(`logger.warn('before the crash'); throw new Error('boom');`);
  assert.deepEqual(crashed.lines.map((line) => line.msg), ['before the crash']);
  assert.match(crashed.stderr, /boom/);
});

test('lines are written in batches of about 16 KiB, in order, each line whole', () => {
  // Killed at once, before the 100 ms timer: only the batches that filled up have been written.
  // A line here is about 110 characters: a batch holds about 150 of them.
  const killed = run(`for (let i = 0; i < 2000; i++) logger.info({ i, text: 'x'.repeat(40) }, 'line'); process.kill(process.pid, 'SIGKILL');`);
  assert.ok(killed.lines.length > 1800 && killed.lines.length < 2000, `${killed.lines.length} of 2000 lines written`);
  assert.deepEqual(
    killed.lines.map((line) => line.i),
    Array.from({ length: killed.lines.length }, (_, i) => i),
  );
  const ended = run(`for (let i = 0; i < 500; i++) logger.info({ i, text: 'x'.repeat(40) }, 'line');`);
  assert.equal(ended.lines.length, 500);
});

test('a quiet server still writes its last line within the flush interval, and flush() writes at once', () => {
  const timed = run(`logger.info('alone'); setTimeout(() => process.kill(process.pid, 'SIGKILL'), 400);`);
  assert.deepEqual(timed.lines.map((line) => line.msg), ['alone']);
  const flushed = run(`logger.info('now'); logger.flush(); process.kill(process.pid, 'SIGKILL');`);
  assert.deepEqual(flushed.lines.map((line) => line.msg), ['now']);
});
