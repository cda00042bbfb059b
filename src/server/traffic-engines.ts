// One compiled MirrorEngine per account and region, rebuilt only when that partition's version has
// moved since the last compile: a Modify takes effect on the next packet, and steady traffic costs
// one integer comparison per chunk of input.
//
// The engine counts per session and per rule in arrays indexed by its own compiled positions, so a
// recompile would start them at zero. The cache carries them over by ID instead: at each
// recompile the old engine's counters are added into `carried`, keeping only the sessions and
// rules that still exist (a deleted session's counters go with it, as its CloudWatch metrics do).
// Counters live in memory only: they start at zero with the server and after a reset.

import type { MirrorConfig } from '../dataplane/config.js';
import { MirrorEngine, type MirrorCounters, type PacketByteCounter } from '../dataplane/mirror-engine.js';
import { mirrorConfigOf } from '../service/mirror-config.js';
import type { Partition } from '../state/partition.js';

export interface CompiledPartition {
  readonly engine: MirrorEngine;
  readonly config: MirrorConfig;
  readonly warnings: readonly string[];
  /** The partition version it was compiled from. */
  readonly version: number;
}

interface Entry {
  compiled: CompiledPartition;
  carried: MirrorCounters;
}

export class TrafficEngines {
  // Keyed by the Partition object: a reset or an import replaces partitions, and with them their
  // engines and counters, without this cache having to hear about it.
  private readonly entries = new WeakMap<Partition, Entry>();

  /** The engine for the partition's current state (compiled now if the state changed). */
  current(partition: Partition): CompiledPartition {
    const entry = this.entries.get(partition);
    if (entry !== undefined && entry.compiled.version === partition.version) return entry.compiled;
    return this.recompile(partition, entry);
  }

  /** Counters since start-up or the last reset, over every engine the partition has had. */
  counters(partition: Partition): MirrorCounters {
    const { engine } = this.current(partition);
    const entry = this.entries.get(partition)!;
    return addCounters(structuredClone(entry.carried), engine.counters(), undefined);
  }

  resetCounters(partition: Partition): void {
    const { engine } = this.current(partition);
    engine.resetCounters();
    this.entries.get(partition)!.carried = emptyCounters();
  }

  private recompile(partition: Partition, previous: Entry | undefined): CompiledPartition {
    const version = partition.version;
    const { config, warnings } = mirrorConfigOf(partition);
    const compiled: CompiledPartition = { engine: MirrorEngine.compile(config), config, warnings, version };
    let carried = emptyCounters();
    if (previous !== undefined) {
      const alive = new Set<string>([...config.sessions.map((s) => s.sessionId), ...config.filters.flatMap((f) => f.rules.map((r) => r.ruleId))]);
      carried = addCounters(previous.carried, previous.compiled.engine.counters(), alive);
      for (const id of Object.keys(carried.sessions)) if (!alive.has(id)) delete carried.sessions[id];
      for (const id of Object.keys(carried.rules)) if (!alive.has(id)) delete carried.rules[id];
    }
    this.entries.set(partition, { compiled, carried });
    return compiled;
  }
}

function emptyCounters(): MirrorCounters {
  return { framesEvaluated: 0, framesMirrored: 0, sessions: {}, rules: {}, notMirrored: {} };
}

/** Adds `more` into `into` (and returns it); with `keep`, only those session and rule IDs. */
function addCounters(into: MirrorCounters, more: MirrorCounters, keep: ReadonlySet<string> | undefined): MirrorCounters {
  into.framesEvaluated += more.framesEvaluated;
  into.framesMirrored += more.framesMirrored;
  const add = (target: Record<string, PacketByteCounter>, source: Record<string, PacketByteCounter>) => {
    for (const [id, counter] of Object.entries(source)) {
      if (keep !== undefined && !keep.has(id)) continue;
      const sum = (target[id] ??= { packets: 0, bytes: 0 });
      sum.packets += counter.packets;
      sum.bytes += counter.bytes;
    }
  };
  add(into.sessions, more.sessions);
  add(into.rules, more.rules);
  for (const [reason, count] of Object.entries(more.notMirrored) as [keyof MirrorCounters['notMirrored'], number][]) {
    into.notMirrored[reason] = (into.notMirrored[reason] ?? 0) + count;
  }
  return into;
}
