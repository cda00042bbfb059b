import { Command, InvalidArgumentError, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { parsePaceValue } from '../dataplane/replay-pacer.js';
import type { ReplayProgress, ReplaySummary } from '../server/traffic-replay.js';
import { REPLAYS_PATH, TRAFFIC_PATH } from '../server/traffic-paths.js';
import { openToRead } from './local-files.js';
import { authorization, clientOptions, refusal, send, withClientOptions, type ClientOptions, type HttpAnswer } from './server-client.js';

/**
 * `mirrorlite replay FILE --eni ENI_ID`: streams a pcap or pcapng capture to a running server as
 * that ENI's traffic and prints the server's JSON summary. The file is read in large chunks and
 * sent as it is read, so a capture of any size uses constant memory. A progress bar goes to stderr
 * when stderr is a terminal; stdout carries only the summary.
 */

const READ_CHUNK_BYTES = 4 * 1024 * 1024;
const PROGRESS_POLL_MS = 250;

function positiveNumber(text: string): number {
  const value = parsePaceValue(text);
  if (value === undefined) throw new InvalidArgumentError('expected a positive number');
  return value;
}

function mediaType(file: string): string {
  if (/\.pcapng$/i.test(file)) return 'application/x-pcapng';
  if (/\.(pcap|cap|dmp)$/i.test(file)) return 'application/vnd.tcpdump.pcap';
  return 'application/octet-stream';
}

/**
 * A progress bar on stderr when it is a terminal, drawn from what the server says it has read
 * (GET /_mirrorlite/replays?id=…, a few times a second): the bytes the client has sent run ahead of
 * the replay by what the connection buffers, a few MB, which for a paced replay can be minutes.
 * cli-progress is loaded only when drawn, so that other commands (serve) do not pay for it.
 */
async function followWithBar(options: ClientOptions, id: string, total: number | undefined): Promise<(() => void) | undefined> {
  if (!process.stderr.isTTY) return undefined;
  // A capture read from a pipe or stdin (a live `tcpdump -w -`) has no size: then a counter,
  // without the bar, the percentage or the time left.
  const sized = total !== undefined && total > 0;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: sized
        ? 'replay [{bar}] {percentage}% | {frames} frames | {read} of {size} MB | {rate} frames/s | ETA {eta_formatted}'
        : 'replay | {frames} frames | {read} MB | {rate} frames/s',
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  bar.start(sized ? total : 1, 0, { frames: 0, read: mb(0), size: sized ? mb(total) : '', rate: 0 });
  let following = true;
  void (async () => {
    while (following) {
      await sleep(PROGRESS_POLL_MS, undefined, { ref: false });
      if (!following) break;
      try {
        const answer = await send(options.endpoint, REPLAYS_PATH, { query: { id }, headers: { authorization: authorization(options) } });
        const progress = answer.status === 200 ? (JSON.parse(answer.text) as { replays?: ReplayProgress[] }).replays?.[0] : undefined;
        if (progress && following) {
          const rate = progress.seconds > 0 ? Math.round(progress.framesRead / progress.seconds) : 0;
          bar.update(sized ? Math.min(progress.bytesParsed, total) : 0, { frames: progress.framesRead, read: mb(progress.bytesParsed), rate });
        }
      } catch {
        // Not there yet, or gone: the replay's own request reports what matters.
      }
    }
  })();
  return () => {
    following = false;
    bar.stop();
  };
}

/**
 * What the user should hear about records skipped for their link type. Some Ethernet frames read:
 * the replay did something, so a warning and exit 0. None read: nothing the user asked for
 * happened (a `tcpdump -i any` or Raw IP capture), so exit 1, after the summary is printed.
 */
function linkTypeProblem(summary: ReplaySummary, file: string): { fatal: boolean; message: string } | undefined {
  // Read with care: the summary comes over the wire, maybe from another server (the benchmark's bare one).
  const skipped = summary.capture?.skipped?.['unsupported-link-type'];
  if (!skipped) return undefined;
  const name = file === '-' ? 'the capture on stdin' : file;
  const linkTypes = summary.capture.skippedLinkTypes ?? [];
  const which = linkTypes.length ? ` (link type ${linkTypes.join(', ')})` : '';
  if (summary.framesRead === 0) return { fatal: true, message: `no Ethernet records in ${name}${which}; nothing was replayed` };
  return { fatal: false, message: `warning: ${skipped} records of ${name} are not Ethernet${which} and were skipped` };
}

export function replayCommand(): Command {
  const command = new Command('replay')
    .description("stream a pcap or pcapng capture to the server as one ENI's traffic, and print the JSON summary")
    .argument('<file>', 'the capture (- for stdin)')
    .requiredOption('--eni <id>', 'the source network interface whose traffic the capture is')
    // tcpreplay's names: builders of monitoring appliances know them. Without either, top speed.
    .addOption(new Option('--pps <rate>', 'replay at this many frames per second (default: as fast as the server goes)').argParser(positiveNumber).conflicts('multiplier'))
    .addOption(new Option('--multiplier <x>', "replay at the capture's own timing, x times as fast (1: as captured)").argParser(positiveNumber))
    .addOption(new Option('--maxsleep <ms>', 'with --multiplier: wait at most this many milliseconds between two frames').argParser(positiveNumber));
  return withClientOptions(command).action(async (file: string, flags: { eni: string; pps?: number; multiplier?: number; maxsleep?: number }, self: Command) => {
    // commander has conflicts() but nothing for "only with": the same wording as its own refusals.
    if (flags.maxsleep !== undefined && flags.multiplier === undefined) self.error("error: option '--maxsleep <ms>' requires option '--multiplier <x>'");
    const options = clientOptions(self);
    const query: Record<string, string> = { eni: flags.eni };
    if (flags.pps !== undefined) query.pps = String(flags.pps);
    if (flags.multiplier !== undefined) query.multiplier = String(flags.multiplier);
    if (flags.maxsleep !== undefined) query.maxsleep = String(flags.maxsleep);
    const opened = file === '-' ? undefined : openToRead(file); // a missing file fails here, before any request
    const input: Readable = opened ? createReadStream(file, { fd: opened.fd, highWaterMark: READ_CHUNK_BYTES }) : process.stdin;
    const headers: Record<string, string> = { 'content-type': mediaType(file), authorization: authorization(options) };
    if (opened?.size !== undefined) headers['content-length'] = String(opened.size);
    const id = randomUUID();
    query.id = id;
    const stopBar = await followWithBar(options, id, opened?.size);
    let answer: HttpAnswer;
    try {
      answer = await send(options.endpoint, TRAFFIC_PATH, { query, headers, body: input });
    } finally {
      stopBar?.();
    }
    let summary: ReplaySummary | undefined;
    try {
      summary = JSON.parse(answer.text) as ReplaySummary;
    } catch {
      summary = undefined;
    }
    if (answer.status >= 200 && answer.status < 300 && summary) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      // The summary's warnings (a tag ignored, a mirror file repaired or kept aside) matter to a
      // user who pipes stdout into jq, so they are said on stderr too.
      for (const warning of Array.isArray(summary.warnings) ? summary.warnings : []) process.stderr.write(`mirrorlite: warning: ${warning}\n`);
      const problem = linkTypeProblem(summary, file);
      if (problem?.fatal) throw new Error(problem.message);
      if (problem) process.stderr.write(`mirrorlite: ${problem.message}\n`);
      return;
    }
    // A broken capture still has a summary of what was read before the break: print it too.
    if (summary && 'framesRead' in summary) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    input.destroy();
    throw refusal(answer);
  });
}
