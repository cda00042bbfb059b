// One replay: a capture streamed in as one ENI's traffic, frame by frame through the partition's
// engine into the targets' outputs, and the counts that make its summary.
//
// The per-frame path allocates nothing and awaits nothing: chunks arrive as they come off the
// socket, the capture reader parses records in place, the engine decides, and a mirrored frame is
// encapsulated straight into its target's pcap buffer. Frames are counted per session in an
// array indexed like the engine's sessions; the counts are folded into maps keyed by ID whenever
// the engine changes (a Modify during the replay) and at the end.
//
// The engine is looked up again for each chunk, which costs a comparison of the partition's
// version: an API call can only run between two chunks, so this is exactly "the next packet".
//
// A paced replay (src/dataplane/replay-pacer.ts) stops at the first frame that is not yet due and
// holds it; its caller waits `delayMs` and calls resume(), which looks the engine up again too, so
// a Modify made while a replay waits applies to the frame held.

import { CaptureReader, type CaptureError, type CaptureFormat, type SkipReason } from '../dataplane/capture-reader.js';
import { OUTER_HEADERS_BEFORE_VXLAN, type MirrorOutput, type TargetOutput, type VxlanSink } from '../dataplane/mirror-output.js';
import { ReplayPacer, type ReplayPace } from '../dataplane/replay-pacer.js';
import type { Partition } from '../state/partition.js';
import type { CompiledPartition, TrafficEngines } from './traffic-engines.js';

export interface CaptureSummary {
  format: CaptureFormat;
  /** 'done': the capture ended cleanly; 'error': it is broken at `error.offset`; 'reading': the body ended early. */
  state: 'reading' | 'done' | 'error';
  recordsRead: number;
  blocksIgnored: number;
  skipped: Record<SkipReason, number>;
  /** The link types of the records skipped as 'unsupported-link-type' (101: Raw IP, 113: Linux cooked), when there were any. */
  skippedLinkTypes?: number[];
  error?: { code: CaptureError; message: string; offset: number };
}

export interface ReplaySummary {
  /** The replay's ID: the one the caller gave (`id`), or a UUID. */
  id: string;
  networkInterfaceId: string;
  account: string;
  region: string;
  /** Frames offered to the engine (Ethernet records of the capture). */
  framesRead: number;
  /** Session ID → frames it mirrored. */
  mirrored: Record<string, number>;
  /** Reason → frames not mirrored for it (reasons: src/dataplane/mirror-reasons.ts). */
  notMirrored: Record<string, number>;
  /** Bytes of the request body. */
  bytesIn: number;
  /** Target ID → mirrored frames appended to its pcap file (and sent to its sink, if any). */
  framesWritten: Record<string, number>;
  /** Target ID → its pcap file. */
  outputFiles: Record<string, string>;
  mirrorDir: string;
  seconds: number;
  framesPerSecond: number;
  /** Only for a paced replay: the pace asked for. */
  pace?: ReplayPace;
  capture: CaptureSummary;
  /** Only with --vxlan-sink: target ID → where its datagrams went and how many were sent. */
  datagrams?: Record<string, { sink: string; sent: number; errors: number; lastError?: string }>;
  /**
   * Configuration tags that were ignored (see src/service/mirror-config.ts), and what had to be
   * done to an existing mirror file before appending to it: one of another format renamed aside,
   * one cut back to its last whole record (see TargetOutput).
   */
  warnings?: string[];
}

/** How far a running replay has come: GET /_mirrorlite/replays. */
export interface ReplayProgress {
  id: string;
  networkInterfaceId: string;
  framesRead: number;
  /** Frames mirrored so far, by every session. */
  mirrored: number;
  /** Bytes of the body taken from the connection so far. */
  bytesIn: number;
  /** Bytes of the capture parsed so far (a paced replay holds the rest of what it took in). */
  bytesParsed: number;
  seconds: number;
  pace?: ReplayPace;
}

export class TrafficReplay {
  readonly reader = new CaptureReader();
  bytesIn = 0;
  private readonly started = process.hrtime.bigint();
  private compiled: CompiledPartition | null = null;
  private eniIndex = -1;
  private sessionFrames = new Float64Array(0);
  private slots: (TargetOutput | null)[] = [];
  private readonly mirrored = new Map<string, number>();
  private readonly framesWritten = new Map<string, number>();
  private readonly notMirrored = new Map<string, number>();
  private readonly usedSlots = new Map<string, TargetOutput>();
  private readonly sinkErrorsBefore = new Map<VxlanSink, number>();
  private readonly warnings = new Set<string>();
  private readonly pacer: ReplayPacer | null;
  /** The reader's current record is a frame the pacer held back: it is the next to mirror. */
  private held = false;
  private heldDelayMs = 0;

  constructor(
    private readonly engines: TrafficEngines,
    private readonly partition: Partition,
    readonly networkInterfaceId: string,
    private readonly output: MirrorOutput,
    pace: ReplayPace | null = null,
  ) {
    this.pacer = pace === null ? null : new ReplayPacer(pace);
  }

  /**
   * Feeds a chunk of the capture. Every whole record in it is mirrored before this returns, unless
   * the replay is paced: then up to the first frame not yet due (see delayMs), and a chunk pushed
   * while a frame is held only waits in the reader's queue.
   */
  push(chunk: Uint8Array): void {
    this.bytesIn += chunk.length;
    this.reader.push(chunk);
    if (this.held) return;
    this.refresh();
    this.drain();
  }

  /** The capture is complete: a block left incomplete is then an error. */
  end(): void {
    this.reader.end();
    if (this.held) return;
    this.refresh();
    this.drain();
  }

  /** Milliseconds until the held frame is due; 0 when no frame is held. */
  get delayMs(): number {
    return this.held ? this.heldDelayMs : 0;
  }

  progress(id: string): ReplayProgress {
    this.fold();
    let mirrored = 0;
    for (const frames of this.mirrored.values()) mirrored += frames;
    const progress: ReplayProgress = {
      id,
      networkInterfaceId: this.networkInterfaceId,
      framesRead: this.reader.recordsRead,
      mirrored,
      bytesIn: this.bytesIn,
      bytesParsed: this.reader.bytesParsed,
      seconds: this.elapsedSeconds(),
    };
    if (this.pacer !== null) progress.pace = this.pacer.pace;
    return progress;
  }

  /** Since the first body byte, to the microsecond. */
  private elapsedSeconds(): number {
    return Math.round(Number(process.hrtime.bigint() - this.started) / 1e3) / 1e6;
  }

  /** Hands the records mirrored so far to the files of the targets this replay wrote to. */
  flush(): void {
    for (const slot of this.usedSlots.values()) slot.flush();
  }

  /** After waiting delayMs: mirrors what is due now, with the engine of now. */
  resume(): void {
    this.refresh();
    this.drain();
  }

  get failed(): boolean {
    return this.reader.state === 'error';
  }

  summary(id: string, caller: { account: string; region: string }): ReplaySummary {
    this.fold();
    const seconds = this.elapsedSeconds();
    const reader = this.reader;
    const framesRead = reader.recordsRead;
    const capture: CaptureSummary = {
      format: reader.format,
      state: reader.state,
      recordsRead: reader.recordsRead,
      blocksIgnored: reader.blocksIgnored,
      skipped: { ...reader.skipped },
    };
    if (reader.skippedLinkTypes.size) capture.skippedLinkTypes = [...reader.skippedLinkTypes].sort((a, b) => a - b);
    if (reader.error !== null) capture.error = { code: reader.error, message: reader.errorMessage, offset: reader.errorOffset };
    const summary: ReplaySummary = {
      id,
      networkInterfaceId: this.networkInterfaceId,
      account: caller.account,
      region: caller.region,
      framesRead,
      mirrored: Object.fromEntries(this.mirrored),
      notMirrored: Object.fromEntries(this.notMirrored),
      bytesIn: this.bytesIn,
      framesWritten: Object.fromEntries(this.framesWritten),
      outputFiles: Object.fromEntries([...this.usedSlots].map(([targetId, slot]) => [targetId, slot.path])),
      mirrorDir: this.output.directory,
      seconds,
      framesPerSecond: seconds > 0 ? Math.round(framesRead / seconds) : 0,
      capture,
    };
    if (this.pacer !== null) summary.pace = this.pacer.pace;
    const datagrams: NonNullable<ReplaySummary['datagrams']> = {};
    for (const [targetId, slot] of this.usedSlots) {
      const sink = slot.sink;
      if (sink === null) continue;
      const errors = sink.sendErrors - this.sinkErrorsBefore.get(sink)!;
      datagrams[targetId] = { sink: sink.description, sent: (this.framesWritten.get(targetId) ?? 0) - errors, errors };
      if (errors > 0 && sink.lastError !== null) datagrams[targetId].lastError = sink.lastError;
    }
    if (Object.keys(datagrams).length > 0) summary.datagrams = datagrams;
    if (this.warnings.size > 0) summary.warnings = [...this.warnings];
    return summary;
  }

  /** Switches to the partition's current engine when the state has changed since the last chunk. */
  private refresh(): void {
    const compiled = this.engines.current(this.partition);
    if (compiled === this.compiled) return;
    this.fold();
    this.compiled = compiled;
    this.eniIndex = compiled.engine.eniIndex(this.networkInterfaceId);
    this.sessionFrames = new Float64Array(compiled.engine.sessions.length);
    this.slots = new Array<TargetOutput | null>(compiled.engine.sessions.length).fill(null);
    for (const warning of compiled.warnings) this.warnings.add(warning);
  }

  private drain(): void {
    const engine = this.compiled!.engine;
    const reader = this.reader;
    const record = reader.record;
    const eniIndex = this.eniIndex;
    const counts = this.sessionFrames;
    const slots = this.slots;
    const pacer = this.pacer;
    let heldFrame = this.held;
    this.held = false;
    while (heldFrame || reader.next()) {
      heldFrame = false;
      if (pacer !== null) {
        const delay = pacer.delayOf(record);
        if (delay > 0) {
          this.held = true;
          this.heldDelayMs = delay;
          return;
        }
      }
      const buffer = record.buffer;
      const offset = record.offset;
      const length = record.capturedLength;
      const decision = engine.decide(eniIndex, buffer, offset, length);
      if (!decision.mirrored) {
        const reason = decision.reason!;
        this.notMirrored.set(reason, (this.notMirrored.get(reason) ?? 0) + 1);
        continue;
      }
      const index = decision.session!.index;
      counts[index]!++;
      const slot = slots[index] ?? this.openSlot(index);
      const writer = slot.writer;
      const at = writer.reserve(engine.maxEncapsulatedLength(length));
      const written = engine.encapsulate(writer.buffer, at, buffer, offset, length);
      writer.commit(record.seconds, record.microseconds, written);
      if (slot.sink !== null) slot.sink.send(writer.buffer, at + OUTER_HEADERS_BEFORE_VXLAN, written - OUTER_HEADERS_BEFORE_VXLAN);
    }
  }

  private openSlot(sessionIndex: number): TargetOutput {
    const targetId = this.compiled!.engine.sessions[sessionIndex]!.targetId;
    const slot = this.output.target(targetId);
    this.slots[sessionIndex] = slot;
    this.usedSlots.set(targetId, slot);
    for (const warning of slot.warnings) this.warnings.add(warning);
    if (slot.sink !== null && !this.sinkErrorsBefore.has(slot.sink)) this.sinkErrorsBefore.set(slot.sink, slot.sink.sendErrors);
    return slot;
  }

  /** Moves the per-session counts of the current engine into the maps keyed by ID. */
  private fold(): void {
    const compiled = this.compiled;
    if (compiled === null) return;
    compiled.engine.sessions.forEach((session, i) => {
      const frames = this.sessionFrames[i]!;
      if (frames === 0) return;
      this.mirrored.set(session.sessionId, (this.mirrored.get(session.sessionId) ?? 0) + frames);
      this.framesWritten.set(session.targetId, (this.framesWritten.get(session.targetId) ?? 0) + frames);
    });
    this.sessionFrames.fill(0);
  }
}
