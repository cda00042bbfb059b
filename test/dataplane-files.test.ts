// The mirror pcap files against a real `mirrorlite serve`: a file a killed server left ending
// inside a record is repaired before the next replay appends to it, one in another capture format
// is kept under another name, a mirror directory deleted while the server runs is created again,
// and the default directory is the user's own and is checked at start.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildTopology, clientFlags, readCapture, replay, runCli, trafficCases, writeCapture, type ReplaySummary, type Topology } from './dataplane-fixtures.js';
import { logLine, startServerProcess } from './support/server-process.js';

let dir: string;
let capture: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mirrorlite-files-'));
  capture = join(dir, 'flows.pcap');
});
after(() => rmSync(dir, { recursive: true, force: true }));

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
    assert.deepEqual(second.warnings, [warning.msg], 'the summary says so too');

    rmSync(join(dataDir, 'mirror'), { recursive: true });
    const third = await replay(server.url, capture, t.a.id);
    assert.equal(readCapture(file).length, third.framesWritten[t.targets.te]!, 'a new file, in a new directory');
  } finally {
    await server.stop();
  }
});

test('a mirror file in another capture format (pcapng here) is kept under another name, and the replay summary says so', async () => {
  const mirrorDir = join(dir, 'mirror-pcapng');
  const server = await startServerProcess(['--mirror-dir', mirrorDir]);
  try {
    const t: Topology = await buildTopology(server.url);
    writeCapture(capture, trafficCases(t));
    const file = join(mirrorDir, `${t.targets.te}.pcap`);
    // A pcapng section header block, as `editcap -F pcapng` or Wireshark's "Save" leaves the file.
    const theirs = Buffer.from('0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000', 'hex');
    writeFileSync(file, theirs);
    const result = await runCli(['replay', capture, '--eni', t.a.id, ...clientFlags(server.url)]);
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as ReplaySummary;
    assert.equal(readCapture(file).length, summary.framesWritten[t.targets.te]!, 'a new file, of this replay alone');
    const kept = readdirSync(mirrorDir).filter((name) => name.startsWith(`${t.targets.te}.pcap.`));
    assert.equal(kept.length, 1);
    assert.deepEqual(readFileSync(join(mirrorDir, kept[0]!)), theirs, 'the old file, untouched');
    const warning = `${file} is a pcapng file, which mirrorlite cannot append to: it was kept as ${join(mirrorDir, kept[0]!)} and a new file started in its place`;
    assert.deepEqual(summary.warnings, [warning]);
    assert.equal(result.stderr, `mirrorlite: warning: ${warning}\n`, 'and the CLI says it on stderr, for users who pipe stdout');
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
    new RegExp(`exited with 1 before listening; stderr: mirrorlite: cannot write mirrored packets to ${join(file, 'mirror')}: a part of the path is a file, not a directory \\(.*\\); it was left untouched; choose another directory with --mirror-dir`),
  );

  // <data-dir>/mirror, the default mirror directory, taken by a file.
  const dataDir = join(dir, 'state-with-a-mirror-file');
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'mirror'), 'notes');
  await assert.rejects(
    startServerProcess(['--data-dir', dataDir]),
    new RegExp(`exited with 1 before listening; stderr: mirrorlite: cannot write mirrored packets to ${join(dataDir, 'mirror')}: ${join(dataDir, 'mirror')} is a file, not a directory; it was left untouched; choose another directory with --mirror-dir`),
  );
  assert.equal(readFileSync(join(dataDir, 'mirror'), 'utf8'), 'notes');
});
