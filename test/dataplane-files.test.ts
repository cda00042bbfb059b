// The mirror pcap files against a real `mirrorlite serve`: a file a killed server left ending
// inside a record is repaired before the next replay appends to it, a mirror directory deleted
// while the server runs is created again, and the default directory is the user's own and is
// checked at start.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildTopology, readCapture, replay, trafficCases, writeCapture, type Topology } from './dataplane-fixtures.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

let dir: string;
let capture: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mirrorlite-files-'));
  capture = join(dir, 'flows.pcap');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Log lines are written in batches: wait for one that matches. */
async function logLine(server: ServerProcess, match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  for (let waited = 0; waited < 5000; waited += 50) {
    const line = server.logs.find(match);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no such log line in ${JSON.stringify(server.logs)}`);
}

test('a pcap file left ending inside a record by a killed server is cut to its last whole record before the next replay; a deleted mirror directory is created again', async () => {
  const dataDir = join(dir, 'state');
  let server = await startServerProcess(['--data-dir', dataDir]);
  try {
    const t: Topology = await buildTopology(server.url);
    writeCapture(capture, trafficCases(t));
    const first = await replay(server.url, capture, t.a.id);
    const file = first.outputFiles[t.targets.te]!;
    assert.equal(file, join(dataDir, 'mirror', `${t.targets.te}.pcap`));
    const written = first.framesWritten[t.targets.te]!;
    await server.kill('SIGKILL');
    truncateSync(file, statSync(file).size - 7); // as a kill in the middle of a write leaves it

    server = await startServerProcess(['--data-dir', dataDir]);
    const second = await replay(server.url, capture, t.a.id);
    assert.equal(readCapture(file).length, written - 1 + second.framesWritten[t.targets.te]!, 'every record readable: the cut one gone, the new ones after it');
    const warning = await logLine(server, (line) => typeof line.msg === 'string' && line.msg.includes('ended inside a record'));
    assert.equal(warning.level, 40);
    assert.match(warning.msg as string, new RegExp(`^${file} ended inside a record \\(left by a crash or a full disk\\): cut the last \\d+ bytes`));

    rmSync(join(dataDir, 'mirror'), { recursive: true });
    const third = await replay(server.url, capture, t.a.id);
    assert.equal(readCapture(file).length, third.framesWritten[t.targets.te]!, 'a new file, in a new directory');
  } finally {
    await server.stop();
  }
});

test('without --mirror-dir or --data-dir, mirrored packets go to <tmpdir>/mirrorlite-<uid>/mirror, a folder of the user alone', { skip: process.getuid === undefined ? 'no user IDs here' : false }, async () => {
  const tmp = join(dir, 'tmp-own');
  mkdirSync(tmp);
  const server = await startServerProcess([], { TMPDIR: tmp });
  try {
    const root = join(tmp, `mirrorlite-${process.getuid!()}`);
    assert.equal((await logLine(server, (line) => line.msg === 'listening')).mirrorDir, join(root, 'mirror'));
    assert.equal(statSync(root).mode & 0o777, 0o700);
  } finally {
    await server.stop();
  }
});

test('serve refuses to start, naming the directory, when the mirror directory cannot be used', { skip: process.getuid === undefined ? 'no user IDs here' : false }, async () => {
  const tmp = join(dir, 'tmp-open');
  const root = join(tmp, `mirrorlite-${process.getuid!()}`);
  mkdirSync(root, { recursive: true });
  chmodSync(root, 0o777); // as a folder someone else could have planted links in
  await assert.rejects(
    startServerProcess([], { TMPDIR: tmp }),
    new RegExp(`exited with 1 before listening; stderr: mirrorlite: cannot write mirrored packets to ${join(root, 'mirror')}: other users can write to ${root} \\(mode 777\\); make it 700; choose another directory with --mirror-dir`),
  );

  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  await assert.rejects(
    startServerProcess(['--mirror-dir', join(file, 'mirror')]),
    new RegExp(`exited with 1 before listening; stderr: mirrorlite: cannot write mirrored packets to ${join(file, 'mirror')}: a part of the path is a file, not a directory`),
  );
});
