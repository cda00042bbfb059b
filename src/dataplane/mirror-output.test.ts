import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CaptureReader } from './capture-reader.js';
import { fileIdentity, MirrorDirectoryError, MirrorOutput, TargetOutput, type TargetFiles } from './mirror-output.js';
import { PcapWriter } from './pcap-writer.js';

const base = mkdtempSync(join(tmpdir(), 'mirrorlite-output-'));
after(() => rmSync(base, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => join(base, `d${++dirs}`);

const TARGET = 'tmt-0123456789abcdef0';
const RECORD_BYTES = 100;

/** The records' first bytes (each record is filled with one value), or throws if the file is not readable to its end. */
function recordsOf(path: string): number[] {
  const reader = new CaptureReader();
  reader.push(readFileSync(path));
  reader.end();
  const values: number[] = [];
  while (reader.next()) values.push(reader.record.bytes()[0]!);
  assert.equal(reader.state, 'done', reader.errorMessage);
  return values;
}

/** One request that writes a record per value to the target. */
async function request(output: MirrorOutput, values: readonly number[]): Promise<string> {
  output.acquire();
  const target = output.target(TARGET);
  for (const value of values) target.writer.writeRecord(1, 0, new Uint8Array(RECORD_BYTES).fill(value), 0, RECORD_BYTES);
  await output.release();
  return target.path;
}

function collector(): { warnings: string[]; onWarning: (message: string) => void } {
  const warnings: string[] = [];
  return { warnings, onWarning: (message) => warnings.push(message) };
}

describe('MirrorOutput: a file that does not end on a record boundary', () => {
  it('is cut to its last whole record before records are appended, with a warning naming it and the bytes cut', async () => {
    const { warnings, onWarning } = collector();
    const output = await MirrorOutput.open({ directory: newDir(), onWarning });
    const path = await request(output, [1, 2, 3]);
    truncateSync(path, statSync(path).size - 7); // as a crash in the middle of a write leaves it
    await request(output, [4, 5]);
    assert.deepEqual(recordsOf(path), [1, 2, 4, 5]);
    assert.deepEqual(warnings, [`${path} ended inside a record (left by a crash or a full disk): cut the last ${16 + RECORD_BYTES - 7} bytes, after its last whole record, before appending`]);
    await output.close();
  });

  it('is repaired when another process left it (a server killed in the middle of a replay)', async () => {
    const directory = newDir();
    const path = join(directory, `${TARGET}.pcap`);
    const earlier = new PcapWriter();
    for (const value of [1, 2]) earlier.writeRecord(1, 0, new Uint8Array(RECORD_BYTES).fill(value), 0, RECORD_BYTES);
    mkdirSync(directory);
    writeFileSync(path, earlier.bytes().subarray(0, earlier.length - 50));
    const { warnings, onWarning } = collector();
    const output = await MirrorOutput.open({ directory, onWarning });
    await request(output, [3]);
    assert.deepEqual(recordsOf(path), [1, 3]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /cut the last 66 bytes/);
    await output.close();
  });

  it('is cut where pcap readers stop when records were appended after a cut one', async () => {
    const directory = newDir();
    const path = join(directory, `${TARGET}.pcap`);
    const whole = new PcapWriter();
    whole.writeRecord(1, 0, new Uint8Array(RECORD_BYTES).fill(1), 0, RECORD_BYTES);
    const cut = new PcapWriter();
    cut.length = 0;
    cut.writeRecord(1, 0, new Uint8Array(RECORD_BYTES).fill(2), 0, RECORD_BYTES);
    const appended = new PcapWriter();
    appended.length = 0;
    for (let i = 0; i < 20; i++) appended.writeRecord(0x4a4b4c4d, 0, new Uint8Array(RECORD_BYTES).fill(0xee), 0, RECORD_BYTES);
    mkdirSync(directory);
    writeFileSync(path, Buffer.concat([whole.bytes(), cut.bytes().subarray(0, 40), appended.bytes()]));
    const { warnings, onWarning } = collector();
    const output = await MirrorOutput.open({ directory, onWarning });
    await request(output, [3]);
    // Readers take the cut record's header and the next 100 bytes, from the appended records, as
    // a record (its first byte is still 2), then find a "length" in the middle of a frame.
    assert.deepEqual(recordsOf(path), [1, 2, 3]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(`impossible length at byte 256, where pcap readers stop: cut the ${140 + 40 + 20 * 116 - 256} bytes`));
    await output.close();
  });

  it('leaves a whole file alone and warns about nothing', async () => {
    const directory = newDir();
    const { warnings, onWarning } = collector();
    const first = await MirrorOutput.open({ directory, onWarning });
    await request(first, [1]);
    await first.close();
    const second = await MirrorOutput.open({ directory, onWarning }); // as after a restart: the file is walked
    const path = await request(second, [2]);
    assert.deepEqual(recordsOf(path), [1, 2]);
    assert.deepEqual(warnings, []);
    await second.close();
  });
});

describe('MirrorOutput: an existing file of another capture format', () => {
  /** A pcapng section header block, little-endian: what Wireshark and dumpcap write first. */
  const pcapng = () => {
    const block = Buffer.alloc(28);
    block.writeUInt32LE(0x0a0d0d0a, 0);
    block.writeUInt32LE(28, 4);
    block.writeUInt32LE(0x1a2b3c4d, 8);
    block.writeUInt16LE(1, 12);
    block.writeBigInt64LE(-1n, 16);
    block.writeUInt32LE(28, 24);
    return block;
  };
  /** A classic pcap file written big-endian (as on SPARC or by some tools), one record. */
  const bigEndianPcap = () => {
    const file = Buffer.alloc(24 + 16 + RECORD_BYTES, 9);
    file.writeUInt32BE(0xa1b2c3d4, 0);
    file.writeUInt16BE(2, 4);
    file.writeUInt16BE(4, 6);
    file.writeUInt32BE(0, 8);
    file.writeUInt32BE(0, 12);
    file.writeUInt32BE(65535, 16);
    file.writeUInt32BE(1, 20);
    file.writeUInt32BE(1, 24);
    file.writeUInt32BE(0, 28);
    file.writeUInt32BE(RECORD_BYTES, 32);
    file.writeUInt32BE(RECORD_BYTES, 36);
    return file;
  };
  const rawIpPcap = () => {
    const writer = new PcapWriter({ linkType: 101 });
    writer.writeRecord(1, 0, new Uint8Array(RECORD_BYTES).fill(7), 0, RECORD_BYTES);
    return Buffer.from(writer.bytes());
  };

  for (const [variant, bytes, described] of [
    ['pcapng', pcapng(), 'is a pcapng file'],
    ['big-endian pcap', bigEndianPcap(), 'is a big-endian pcap file'],
    ['pcap of another link type', rawIpPcap(), 'is a pcap file of link type 101, not Ethernet'],
    ['text', Buffer.from('notes about the capture\n'), 'is not a pcap file'],
  ] as const) {
    it(`is kept, renamed aside and untouched, and a new file started, when it is a ${variant}`, async () => {
      const directory = newDir();
      mkdirSync(directory);
      const path = join(directory, `${TARGET}.pcap`);
      writeFileSync(path, bytes);
      const { warnings, onWarning } = collector();
      const output = await MirrorOutput.open({ directory, onWarning });
      output.acquire();
      const target = output.target(TARGET);
      target.writer.writeRecord(1, 0, new Uint8Array(RECORD_BYTES).fill(3), 0, RECORD_BYTES);
      await output.release();
      assert.deepEqual(recordsOf(path), [3]);
      const aside = readdirSync(directory).filter((name) => name !== `${TARGET}.pcap`);
      assert.equal(aside.length, 1);
      assert.match(aside[0]!, new RegExp(`^${TARGET}\\.pcap\\.\\d{8}T\\d{6}Z\\.old$`));
      assert.deepEqual(readFileSync(join(directory, aside[0]!)), bytes, 'the old file, byte for byte');
      const expected = `${path} ${described}, which mirrorlite cannot append to: it was kept as ${join(directory, aside[0]!)} and a new file started in its place`;
      assert.deepEqual(warnings, [expected]);
      assert.deepEqual(target.warnings, [expected], 'for the replay summary');
      await output.close();
    });
  }

  it('never replaces an earlier file kept aside', async () => {
    const directory = newDir();
    mkdirSync(directory);
    const path = join(directory, `${TARGET}.pcap`);
    const output = await MirrorOutput.open({ directory });
    for (const marker of ['first', 'second', 'third']) {
      writeFileSync(path, marker); // another program writes the file again between two requests
      await request(output, [1]);
    }
    const kept = readdirSync(directory).filter((name) => name.endsWith('.old'));
    assert.deepEqual(kept.map((name) => readFileSync(join(directory, name), 'utf8')).sort(), ['first', 'second', 'third']);
    await output.close();
  });
});

describe('TargetOutput: which files are walked', () => {
  const filesFor = (): TargetFiles & { warnings: string[] } => {
    const warnings: string[] = [];
    return { warnings, onWarning: (message) => warnings.push(message), recreateDirectory: () => undefined, closedWhole: new Map() };
  };
  const writeAndClose = async (output: TargetOutput, value: number) => {
    output.writer.writeRecord(1, 0, new Uint8Array(RECORD_BYTES).fill(value), 0, RECORD_BYTES);
    await output.close();
  };

  it('remembers a file it closed with every write done, and trusts it only while nothing changed it', async () => {
    const directory = newDir();
    mkdirSync(directory);
    const path = join(directory, 'a.pcap');
    const files = filesFor();
    await writeAndClose(new TargetOutput(TARGET, path, null, files, undefined), 1);
    assert.equal(files.closedWhole.get(path), fileIdentity(statSync(path, { bigint: true })));
    appendFileSync(path, Buffer.alloc(5)); // a change after the close: the file is walked and cut
    await writeAndClose(new TargetOutput(TARGET, path, null, files, undefined), 2);
    assert.deepEqual(recordsOf(path), [1, 2]);
    assert.equal(files.warnings.length, 1);
    assert.match(files.warnings[0]!, /cut the last 5 bytes/);
  });

  it('does not read a file whose identity is the one recorded at its clean close', async () => {
    const directory = newDir();
    mkdirSync(directory);
    const path = join(directory, 'b.pcap');
    const files = filesFor();
    const writer = new PcapWriter();
    writer.writeRecord(1, 0, new Uint8Array(RECORD_BYTES).fill(1), 0, RECORD_BYTES);
    writeFileSync(path, writer.bytes().subarray(0, writer.length - 3));
    // Only a stale identity could make a cut file look trusted; this shows the walk is skipped.
    files.closedWhole.set(path, fileIdentity(statSync(path, { bigint: true })));
    const size = statSync(path).size;
    await new TargetOutput(TARGET, path, null, files, undefined).close();
    assert.equal(statSync(path).size, size);
    assert.deepEqual(files.warnings, []);
  });

  it('forgets a file whose writes failed, so that its next open walks it', async () => {
    const directory = newDir();
    mkdirSync(directory);
    const path = join(directory, 'c.pcap');
    const files = filesFor();
    const output = new TargetOutput(TARGET, path, null, files, undefined);
    output.error = new Error('ENOSPC: no space left on device, write');
    await output.close();
    assert.equal(files.closedWhole.has(path), false);
  });
});

describe('MirrorOutput: the directory', () => {
  it('is created again when it was deleted between requests', async () => {
    const directory = join(newDir(), 'nested', 'mirror');
    const output = await MirrorOutput.open({ directory });
    await request(output, [1]);
    rmSync(join(directory, '..', '..'), { recursive: true });
    const path = await request(output, [2]);
    assert.deepEqual(recordsOf(path), [2]);
    await output.close();
  });

  it('re-creates a private root for this user alone', async () => {
    const privateRoot = newDir();
    const directory = join(privateRoot, 'mirror');
    const output = await MirrorOutput.open({ directory, privateRoot });
    assert.equal(statSync(privateRoot).mode & 0o777, 0o700);
    rmSync(privateRoot, { recursive: true });
    const path = await request(output, [1]);
    assert.deepEqual(recordsOf(path), [1]);
    assert.equal(statSync(privateRoot).mode & 0o777, 0o700);
    await output.close();
  });

  it('is checked at open: created, written to, and left with no trace of the check', async () => {
    const directory = newDir();
    await (await MirrorOutput.open({ directory })).close();
    assert.deepEqual(readdirSync(directory), []);
  });

  it('refuses, naming the directory, a path through a file', async () => {
    const file = join(newDir());
    writeFileSync(file, 'not a directory');
    const directory = join(file, 'mirror');
    await assert.rejects(MirrorOutput.open({ directory }), (error: Error) => {
      assert.ok(error instanceof MirrorDirectoryError);
      assert.match(error.message, new RegExp(`^cannot write mirrored packets to ${directory}: a part of the path is a file, not a directory`));
      return true;
    });
  });

  it('refuses, naming it, a directory that is a file, and leaves the file as it was', async () => {
    const directory = newDir();
    writeFileSync(directory, 'not a directory');
    await assert.rejects(MirrorOutput.open({ directory }), new RegExp(`^Error: cannot write mirrored packets to ${directory}: ${directory} is a file, not a directory; it was left untouched$`));
    assert.equal(readFileSync(directory, 'utf8'), 'not a directory');
  });

  it('refuses a directory it may not write to', { skip: process.getuid?.() === 0 ? 'root may write anywhere' : false }, async () => {
    const directory = newDir();
    mkdirSync(directory, { mode: 0o500 });
    await assert.rejects(MirrorOutput.open({ directory }), new RegExp(`^Error: cannot write mirrored packets to ${directory}: permission denied`));
    chmodSync(directory, 0o700);
  });

  const posixOnly = process.getuid === undefined ? 'no user IDs here' : false;

  it('refuses a private root that is a link, or that other users can write to', { skip: posixOnly }, async () => {
    const elsewhere = newDir();
    mkdirSync(elsewhere, { mode: 0o700 });
    const link = newDir();
    symlinkSync(elsewhere, link);
    await assert.rejects(MirrorOutput.open({ directory: join(link, 'mirror'), privateRoot: link }), new RegExp(`${link} is not a directory`));
    const open = newDir();
    mkdirSync(open);
    chmodSync(open, 0o777);
    await assert.rejects(MirrorOutput.open({ directory: join(open, 'mirror'), privateRoot: open }), new RegExp(`other users can write to ${open} \\(mode 777\\); make it 700`));
    assert.deepEqual(readdirSync(elsewhere), [], 'nothing created through the link');
  });

  it("refuses a private root another user made", { skip: process.getuid?.() === 0 ? false : 'only root can give a directory away' }, async () => {
    const theirs = newDir();
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 65534, 65534);
    await assert.rejects(MirrorOutput.open({ directory: join(theirs, 'mirror'), privateRoot: theirs }), new RegExp(`${theirs} belongs to another user \\(uid 65534\\), not to this one \\(uid 0\\)`));
  });
});
