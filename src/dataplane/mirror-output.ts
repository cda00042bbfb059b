// Where mirrored packets go: one pcap file per target, `<dir>/<target-id>.pcap`, and optionally
// real UDP datagrams to a collector (the VXLAN sink). Plain Node I/O around PcapWriter.
//
// Files. A file is opened when its target first receives a packet and stays open while any
// request is writing; records are gathered in a large buffer per target (PCAP_BUFFER_BYTES),
// written with one system call each time it fills (on libuv's thread pool, while the next buffer
// fills), and at every request's end, so a file is complete when the request answers. A producer
// faster than the disk waits (backlog(), whenBacklogBelow()) rather than queueing without bound.
// When no request is running every file is closed: a user may then move or delete them, or the
// whole directory, and the next packet starts a new file (in a re-created directory). The pcap
// global header is written once, when the file is new; later requests append records. A file
// that is not a capture this writer can append to (pcapng, big-endian, …) is renamed aside, never
// emptied, and a new file takes its place. Several requests may write to one target at once: each
// buffer flush holds whole records, and the file is opened for appending. An existing file is
// first checked to end on a record boundary (see TargetOutput).
//
// Datagrams. With a sink, every mirrored packet is also sent as one UDP datagram whose payload is
// what follows the outer UDP header: the VXLAN header and the (truncated) inner frame, which is
// what a collector listening on UDP 4789 decodes. The outer Ethernet, IP and UDP headers of those
// datagrams are the host's own; the pcap files carry the exact AWS-style outer headers. Each
// datagram is copied before it is handed to the socket, since the pcap buffer is reused at once.

import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { closeSync, existsSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, write, type BigIntStats } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { fileErrorReason } from '../os/file-errors.js';
import { LINKTYPE_ETHERNET, PCAP_FILE_HEADER_LENGTH, PCAP_MAGIC_MICROSECONDS, PCAP_MAGIC_NANOSECONDS, PCAPNG_SECTION_HEADER } from './capture-reader.js';
import { PcapWriter } from './pcap-writer.js';
import { walkRecords } from './pcap-tail.js';
import { ETHERNET_HEADER_LENGTH, IPV4_HEADER_LENGTH, UDP_HEADER_LENGTH } from './vxlan.js';

/** Buffered bytes per open target file: about 13,000 records of 300 bytes per write call. */
export const PCAP_BUFFER_BYTES = 4 * 1024 * 1024;

/** Outer Ethernet, IPv4 and UDP: a datagram's payload starts after them. */
export const OUTER_HEADERS_BEFORE_VXLAN = ETHERNET_HEADER_LENGTH + IPV4_HEADER_LENGTH + UDP_HEADER_LENGTH;

export interface SinkSpec {
  /** Only this target's packets; absent: every target without a sink of its own. */
  targetId?: string;
  host: string;
  port: number;
}

/** A DNS name: dot-separated labels of letters, digits and inner hyphens (RFC 1123). */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * `HOST:PORT`, `[IPv6]:PORT`, or `TARGET-ID=HOST:PORT` for one target. Throws a readable Error.
 * A host must be an address or a DNS name; the target ID's shape is the caller's to check (the
 * data plane knows no ID shapes).
 */
export function parseSinkSpec(text: string): SinkSpec {
  const equals = text.indexOf('=');
  const targetId = equals >= 0 ? text.slice(0, equals).trim() : undefined;
  const address = (equals >= 0 ? text.slice(equals + 1) : text).trim();
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!match || !host || !(port >= 1 && port <= 65535)) throw new Error(`'${address}' is not HOST:PORT (IPv6: [ADDRESS]:PORT, port 1-65535)`);
  if (match[1] !== undefined && isIP(host) !== 6) throw new Error(`'${host}' is not an IPv6 address`);
  if (match[2] !== undefined && isIP(host) === 0 && (!HOST_NAME.test(host) || /^[\d.]+$/.test(host))) throw new Error(`'${host}' is neither an IP address nor a host name`);
  return targetId === undefined ? { host, port } : { targetId, host, port };
}

/**
 * A UDP socket that sends VXLAN payloads to one collector. It is not connected: a connected socket
 * turns the ICMP "port unreachable" of a collector that is not listening yet into an error on the
 * next send, which then drops that datagram; unconnected, every datagram is sent, as AWS sends
 * mirrored packets without hearing back.
 */
export class VxlanSink {
  datagramsSent = 0;
  sendErrors = 0;
  lastError: string | null = null;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly onSent = (error: Error | null) => {
    this.pending--;
    if (error) {
      this.sendErrors++;
      this.lastError = error.message;
    } else {
      this.datagramsSent++;
    }
    if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  };

  private constructor(
    readonly description: string,
    private readonly socket: Socket,
    private readonly address: string,
    private readonly port: number,
  ) {}

  /** Resolves the host once (not per datagram) and binds a socket of its family. */
  static async open(host: string, port: number): Promise<VxlanSink> {
    let resolved: { address: string; family: number };
    try {
      resolved = await lookup(host);
    } catch (error) {
      // At start-up, before anything is sent: say which sink, not only the resolver's code.
      throw new Error(`the VXLAN sink host '${host}' cannot be resolved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const { address, family } = resolved;
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    // Send failures (no route, a datagram too large) are counted per send, never a crash.
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.unref();
    return new VxlanSink(`${family === 6 ? `[${address}]` : address}:${port}`, socket, address, port);
  }

  /** Sends `bytes[offset, offset + length)` as one datagram (copied first). */
  send(bytes: Uint8Array, offset: number, length: number): void {
    const copy = Buffer.allocUnsafe(length);
    copy.set(new Uint8Array(bytes.buffer, bytes.byteOffset + offset, length));
    this.pending++;
    this.socket.send(copy, this.port, this.address, this.onSent);
  }

  /** Resolves when every datagram handed to send() has left (or failed). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.socket.close();
  }
}

/** What the files of one MirrorOutput share. */
export interface TargetFiles {
  onWarning: (message: string) => void;
  /** Creates the mirror directory again, if it was deleted while no file was open. */
  recreateDirectory: () => void;
  /** path → fileIdentity() of the files this process last closed with every record written. */
  closedWhole: Map<string, string>;
}

/**
 * One target's file, and its sink if it has one. A full buffer is handed to the file system on
 * libuv's thread pool and the writer goes on in a spare one, so the copy into the page cache runs
 * on another core while the next frames are mirrored. Writes to one file are queued and issued
 * one at a time: two writes in flight could land in either order.
 *
 * An existing file must end on a record boundary before records are appended: after a record cut
 * short (a crash or a full disk in the middle of a write), an appended record would be read as the
 * rest of the cut one and every record after it would be unreadable. Walking the records costs a
 * read of the whole file, so it is skipped for a file this process closed itself with every write
 * complete and that nobody changed since (see fileIdentity()): such a file ended on a boundary
 * when it was opened (it was new, walked, or itself trusted so) and every write added whole
 * records, so it still does. Any other file is walked once, on its first open by this process.
 * (Not provided for: another process appending to the same file while this one has it open, as
 * two servers holding the same target IDs and writing to one mirror directory at once would.)
 */
export class TargetOutput {
  readonly writer: PcapWriter;
  /** Bytes handed to the file system and not yet written. */
  backlog = 0;
  /** The first write error, if any: the file is incomplete from there. */
  error: Error | null = null;
  private fd: number;
  private readonly queue: { buffer: Uint8Array; length: number }[] = [];
  private writing = false;
  private readonly spares: Uint8Array[] = [];
  private idleWaiters: (() => void)[] = [];

  /** What opening the file found and did (a file moved aside, a cut record): the replays that use it report it. */
  readonly warnings: string[] = [];

  constructor(
    readonly targetId: string,
    readonly path: string,
    readonly sink: VxlanSink | null,
    private readonly files: TargetFiles,
    private readonly onWritten: () => void = () => undefined,
  ) {
    this.fd = openForAppending(path, files.recreateDirectory);
    this.writer = new PcapWriter({ bufferSize: PCAP_BUFFER_BYTES, sink: (chunk) => this.handOff(chunk.length) });
    const closedWhole = files.closedWhole.get(path);
    files.closedWhole.delete(path); // until this open ends with every write done
    const stat = fstatSync(this.fd, { bigint: true });
    const size = Number(stat.size);
    if (size === 0) return; // new: the writer's buffer starts with the global header
    const unappendable = whyNotAppendable(this.fd);
    if (unappendable !== null) {
      // Records of another format cannot be added to it, and its packets are the user's: it is
      // kept under another name, and a new file takes its place.
      closeSync(this.fd);
      const aside = moveAside(path);
      this.fd = openForAppending(path, files.recreateDirectory);
      this.warn(`${path} ${unappendable}, which mirrorlite cannot append to: it was kept as ${aside} and a new file started in its place`);
      return;
    }
    this.writer.length = 0; // the file has its header: append records only
    if (closedWhole === fileIdentity(stat)) return;
    const walk = walkRecords(this.fd, size);
    if (walk.break === null) return;
    ftruncateSync(this.fd, walk.wholeLength);
    const cut = size - walk.wholeLength;
    this.warn(
      walk.break === 'cut-short'
        ? `${path} ended inside a record (left by a crash or a full disk): cut the last ${cut} bytes, after its last whole record, before appending`
        : `${path} has a record of impossible length at byte ${walk.wholeLength}, where pcap readers stop: cut the ${cut} bytes from there before appending`,
    );
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.files.onWarning(message);
  }

  /** Hands every buffered record to the file system (see idle()). */
  flush(): void {
    this.writer.flush();
  }

  /** Resolves when every record handed over so far is in the file (or failed: see error). */
  idle(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Flushes, waits for the writes, closes the file. */
  async close(): Promise<void> {
    if (this.fd < 0) return;
    this.flush();
    await this.idle();
    if (this.error === null) this.files.closedWhole.set(this.path, fileIdentity(fstatSync(this.fd, { bigint: true })));
    closeSync(this.fd);
    this.fd = -1;
  }

  /** The PcapWriter sink: queue its full buffer for writing and give it a spare one. */
  private handOff(length: number): void {
    const full = this.writer.buffer;
    this.writer.buffer = this.spares.pop() ?? new Uint8Array(full.length);
    this.queue.push({ buffer: full, length });
    this.backlog += length;
    if (!this.writing) this.writeNext();
  }

  private writeNext(): void {
    const next = this.queue.shift();
    if (next === undefined) {
      this.writing = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    this.writing = true;
    const { buffer, length } = next;
    const done = () => {
      this.backlog -= length;
      if (this.spares.length < SPARE_BUFFERS) this.spares.push(buffer);
      this.writeNext();
      this.onWritten();
    };
    const writeFrom = (offset: number) => {
      if (this.error !== null) return done(); // the file is broken: drop the rest, keep the queue moving
      write(this.fd, buffer, offset, length - offset, null, (error, written) => {
        if (error) this.error ??= error;
        else if (offset + written < length) return writeFrom(offset + written);
        done();
      });
    };
    writeFrom(0);
  }
}

/** Buffers kept for reuse per target: one being filled, one being written, one waiting. */
const SPARE_BUFFERS = 2;

export interface MirrorOutputOptions {
  directory: string;
  /**
   * `directory` or a folder above it, in a place other users can write to (the system's temporary
   * folder), that must be this user's own and closed to others (see preparePrivateRoot()).
   */
  privateRoot?: string;
  sinks?: readonly SinkSpec[];
  onWarning?: (message: string) => void;
}

/** The mirror directory cannot be created or written; the message names it and says why. */
export class MirrorDirectoryError extends Error {}

/** Every target's output for one server. Requests bracket their writes with acquire() and release(). */
export class MirrorOutput {
  readonly directory: string;
  private readonly targets = new Map<string, TargetOutput>();
  private users = 0;
  private readonly files: TargetFiles;
  private backlogWaiters: { limit: number; resolve: () => void }[] = [];

  private constructor(
    directory: string,
    privateRoot: string | undefined,
    private readonly defaultSink: VxlanSink | null,
    private readonly targetSinks: ReadonlyMap<string, VxlanSink>,
    private readonly sinks: readonly VxlanSink[],
    onWarning: (message: string) => void,
  ) {
    this.directory = directory;
    this.files = { onWarning, recreateDirectory: () => prepareDirectory(directory, privateRoot), closedWhole: new Map() };
  }

  /**
   * Creates the directory, checks that a file can be created in it (so that a directory the server
   * cannot write fails here, at start, rather than at the first mirrored packet), and opens the
   * sinks (one socket per distinct address).
   */
  static async open(options: MirrorOutputOptions): Promise<MirrorOutput> {
    checkWritable(options.directory, options.privateRoot);
    const byAddress = new Map<string, Promise<VxlanSink>>();
    const sinkFor = (spec: SinkSpec) => {
      const key = `${spec.host}|${spec.port}`;
      if (!byAddress.has(key)) byAddress.set(key, VxlanSink.open(spec.host, spec.port));
      return byAddress.get(key)!;
    };
    let defaultSink: VxlanSink | null = null;
    const targetSinks = new Map<string, VxlanSink>();
    for (const spec of options.sinks ?? []) {
      const sink = await sinkFor(spec);
      if (spec.targetId === undefined) defaultSink = sink;
      else targetSinks.set(spec.targetId, sink);
    }
    const sinks = await Promise.all(byAddress.values());
    return new MirrorOutput(options.directory, options.privateRoot, defaultSink, targetSinks, sinks, options.onWarning ?? (() => undefined));
  }

  /** Where each target's datagrams go: `target-id` → `host:port` ('*' for the all-targets sink). */
  sinkDescriptions(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.defaultSink) out['*'] = this.defaultSink.description;
    for (const [targetId, sink] of this.targetSinks) out[targetId] = sink.description;
    return out;
  }

  pathOf(targetId: string): string {
    return join(this.directory, `${targetId.replace(/[^A-Za-z0-9._-]/g, '_')}.pcap`);
  }

  /** A request starts writing. */
  acquire(): void {
    this.users++;
  }

  /** The target's output, opening its file on first use. Only between acquire() and release(). */
  target(targetId: string): TargetOutput {
    let output = this.targets.get(targetId);
    if (output === undefined) {
      output = new TargetOutput(targetId, this.pathOf(targetId), this.targetSinks.get(targetId) ?? this.defaultSink, this.files, () => this.checkBacklog());
      this.targets.set(targetId, output);
    }
    return output;
  }

  /** Bytes handed to the file system and not yet written, over every target. */
  backlog(): number {
    let bytes = 0;
    for (const output of this.targets.values()) bytes += output.backlog;
    return bytes;
  }

  /** Resolves when the backlog is at most `limit` bytes. */
  whenBacklogBelow(limit: number): Promise<void> {
    if (this.backlog() <= limit) return Promise.resolve();
    return new Promise((resolve) => this.backlogWaiters.push({ limit, resolve }));
  }

  private checkBacklog(): void {
    if (this.backlogWaiters.length === 0) return;
    const backlog = this.backlog();
    this.backlogWaiters = this.backlogWaiters.filter((waiter) => {
      if (backlog > waiter.limit) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves when every file write issued so far has completed. */
  async idle(): Promise<void> {
    await Promise.all([...this.targets.values()].map((output) => output.idle()));
  }

  /**
   * A request is done writing: its records reach the files and its datagrams leave; when no
   * other request is writing, every file is closed. Throws the first write error of a file.
   */
  async release(): Promise<void> {
    const outputs = [...this.targets.values()];
    try {
      for (const output of outputs) output.flush();
      await Promise.all([...outputs.map((output) => output.idle()), ...this.sinks.map((sink) => sink.idle())]);
    } finally {
      this.users--;
      if (this.users === 0) await this.closeFiles();
    }
    const failed = outputs.find((output) => output.error !== null);
    if (failed) throw new Error(`writing ${failed.path} failed: ${fileErrorReason(failed.error)}`);
  }

  async close(): Promise<void> {
    await this.closeFiles();
    for (const sink of this.sinks) sink.close();
  }

  private async closeFiles(): Promise<void> {
    const outputs = [...this.targets.values()];
    this.targets.clear();
    await Promise.all(outputs.map((output) => output.close()));
  }
}

function prepareDirectory(directory: string, privateRoot: string | undefined): void {
  if (privateRoot !== undefined) preparePrivateRoot(privateRoot);
  mkdirSync(directory, { recursive: true });
}

/**
 * A folder of a fixed name in a place every user can write to could have been made by someone
 * else, to read the captures or to plant links that make the server write over other files. So it
 * is created for this user alone (0700) and used only if it is a real directory (not a link),
 * owned by this user, that no other user can write to. Where there are no user IDs (Windows),
 * the temporary folder is the user's own already.
 */
function preparePrivateRoot(root: string): void {
  try {
    mkdirSync(root, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = lstatSync(root);
  if (!stat.isDirectory()) throw new MirrorDirectoryError(`${root} is not a directory`);
  const uid = process.getuid?.();
  if (uid === undefined) return;
  if (stat.uid !== uid) throw new MirrorDirectoryError(`${root} belongs to another user (uid ${stat.uid}), not to this one (uid ${uid})`);
  if ((stat.mode & 0o022) !== 0) throw new MirrorDirectoryError(`other users can write to ${root} (mode ${(stat.mode & 0o777).toString(8)}); make it 700`);
}

/**
 * Creates the directory and a file in it, then removes the file; throws a MirrorDirectoryError.
 * The file has a name no one can guess and must be new ('wx'): in a directory others can write to,
 * a link planted under a known name would make this check empty the file it points to.
 */
function checkWritable(directory: string, privateRoot: string | undefined): void {
  const probe = join(directory, `.mirrorlite-write-check-${randomBytes(8).toString('hex')}`);
  try {
    prepareDirectory(directory, privateRoot);
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (error) {
    const reason = error instanceof MirrorDirectoryError ? error.message : describeFileError(error as NodeJS.ErrnoException, directory);
    throw new MirrorDirectoryError(`cannot write mirrored packets to ${directory}: ${reason}`);
  }
}

function describeFileError(error: NodeJS.ErrnoException, directory: string): string {
  switch (error.code) {
    case 'EEXIST': // from mkdir of the directory itself
      return `${directory} is a file, not a directory; it was left untouched`;
    case 'ENOTDIR':
      return `${fileErrorReason(error)}; it was left untouched`;
    case 'ENOENT': // the default's parent, $TMPDIR, is missing: it is not created, as it is not ours
      return `a folder on its path does not exist (${error.message})`;
    default:
      return fileErrorReason(error);
  }
}

/**
 * Why records PcapWriter writes cannot follow the file's header (its little-endian microsecond
 * magic, version 2.x, Ethernet), or null when they can.
 */
function whyNotAppendable(fd: number): string | null {
  const header = Buffer.alloc(PCAP_FILE_HEADER_LENGTH);
  const read = readSync(fd, header, 0, header.length, 0);
  if (read < 4) return 'is not a pcap file';
  const little = header.readUInt32LE(0);
  const big = header.readUInt32BE(0);
  if (little === PCAPNG_SECTION_HEADER) return 'is a pcapng file';
  if (big === PCAP_MAGIC_MICROSECONDS) return 'is a big-endian pcap file';
  if (little === PCAP_MAGIC_NANOSECONDS || big === PCAP_MAGIC_NANOSECONDS) return 'is a pcap file with nanosecond timestamps';
  if (little !== PCAP_MAGIC_MICROSECONDS) return 'is not a pcap file';
  if (read < PCAP_FILE_HEADER_LENGTH) return `is a pcap file cut short inside its ${PCAP_FILE_HEADER_LENGTH}-byte header`;
  if (header.readUInt16LE(4) !== 2) return `is a pcap file of version ${header.readUInt16LE(4)}.${header.readUInt16LE(6)}`;
  const linkType = header.readUInt32LE(20) & 0xffff;
  if (linkType !== LINKTYPE_ETHERNET) return `is a pcap file of link type ${linkType}, not Ethernet`;
  return null;
}

/**
 * Renames a file out of the way and answers its new name: `<name>.<UTC time>.old` beside it
 * (`tmt-….pcap.20260523T101500Z.old`), with `-2`, `-3`… added if that is taken, so that no earlier
 * file is replaced. (Not race-free against another process renaming into the same directory.)
 */
function moveAside(path: string): string {
  const stamp = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
  let aside = `${path}.${stamp}.old`;
  for (let n = 2; existsSync(aside); n++) aside = `${path}.${stamp}-${n}.old`;
  renameSync(path, aside);
  return aside;
}

/**
 * Read and write ('a+': the tail check reads what it may cut); every write still lands at the end.
 * The directory is re-created only when the open fails for want of it, so an open costs nothing
 * more while it exists.
 */
function openForAppending(path: string, recreateDirectory: () => void): number {
  try {
    return openSync(path, 'a+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    recreateDirectory();
    return openSync(path, 'a+');
  }
}

/**
 * Which file, how long, and when last changed. Equal identities at close and at the next open
 * mean nobody changed the file in between, so the record boundary it had at close still holds:
 * the kernel sets ctime on every change of content or metadata (a write, a truncation, a rename,
 * a chmod) and no system call can set it back, a file replaced by another has another inode, and
 * the size is compared too, for a change within the clock tick of the close.
 */
export function fileIdentity(stat: BigIntStats): string {
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}
