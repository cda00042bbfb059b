// Feeds a replay request's body to its TrafficReplay, chunk by chunk as it arrives, and decides
// when to stop reading it. The body is read while nothing holds it; two things do:
//   * the disk: mirrored bytes waiting to be written above MAX_BACKLOG_BYTES;
//   * the pace: a paced replay whose next frame is not due yet (TrafficReplay.delayMs).
// Held, the client's upload waits on TCP's flow control. Mirrored records reach the files within
// FILE_FLUSH_MS whatever the pace, and a client that leaves stops a paced replay's waiting.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MirrorOutput } from '../dataplane/mirror-output.js';
import type { TrafficReplay } from './traffic-replay.js';

/** Mirrored bytes waiting for the disk beyond which a replay stops reading its body for a while. */
const MAX_BACKLOG_BYTES = 64 * 1024 * 1024;

/**
 * How long mirrored records may wait in a target's buffer before going to its file. A replay at
 * full speed fills the 4 MB buffers many times a second; a live stream (`tcpdump -w - | curl -T -`)
 * or a paced replay fills them slowly, and its pcap files would otherwise lag by minutes.
 */
const FILE_FLUSH_MS = 100;

type Hold = 'backlog' | 'pace';

export interface FeedResult {
  /** 'aborted': the client left (or the server closed the connection) before the replay ended. */
  outcome: 'end' | 'aborted';
  /** What stopped the replay, if anything did: an error from the engine or the files. */
  failure: unknown;
}

/** Resolves when the body has been read and every frame in it is due and mirrored, or the client is gone. */
export async function feedReplay(request: IncomingMessage, response: ServerResponse, run: TrafficReplay, output: MirrorOutput): Promise<FeedResult> {
  let failure: unknown = null;
  const gone = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) gone.abort();
  });

  const holds = new Set<Hold>();
  const hold = (reason: Hold) => {
    if (holds.size === 0) request.pause();
    holds.add(reason);
  };
  const release = (reason: Hold) => {
    holds.delete(reason);
    if (holds.size === 0 && !gone.signal.aborted) request.resume();
  };

  let flushTimer: NodeJS.Timeout | null = null;
  const flushSoon = () => {
    flushTimer ??= setTimeout(() => {
      flushTimer = null;
      try {
        run.flush();
      } catch (error) {
        failure ??= error;
      }
    }, FILE_FLUSH_MS);
  };

  let pacing: Promise<void> | null = null;
  const waitForDueFrames = async () => {
    try {
      while (run.delayMs > 0 && !gone.signal.aborted && failure === null) {
        await sleep(run.delayMs, undefined, { signal: gone.signal });
        try {
          run.resume();
        } catch (error) {
          failure = error;
        }
        flushSoon();
      }
    } catch {
      // aborted: the client is gone
    }
  };

  let outcome = await new Promise<FeedResult['outcome']>((resolve) => {
    request.on('data', (chunk: Buffer) => {
      if (failure !== null || run.failed) return; // drained, not mirrored
      try {
        run.push(chunk);
      } catch (error) {
        failure = error;
      }
      flushSoon();
      if (run.delayMs > 0 && pacing === null) {
        hold('pace');
        pacing = waitForDueFrames().then(() => {
          pacing = null;
          release('pace');
        });
      }
      if (output.backlog() > MAX_BACKLOG_BYTES && !holds.has('backlog')) {
        hold('backlog');
        void output.whenBacklogBelow(MAX_BACKLOG_BYTES / 2).then(() => release('backlog'));
      }
    });
    request.once('end', () => resolve('end'));
    request.once('error', () => resolve('aborted'));
    request.once('close', () => resolve(request.complete ? 'end' : 'aborted'));
  });
  if (outcome === 'aborted') gone.abort();
  await pacing;
  if (outcome === 'end' && failure === null && !run.failed) {
    try {
      run.end();
    } catch (error) {
      failure = error;
    }
    await waitForDueFrames();
  }
  if (gone.signal.aborted) outcome = 'aborted';
  if (flushTimer !== null) clearTimeout(flushTimer); // the output's release() flushes what is left
  return { outcome, failure };
}
