import type { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { createReadStream, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { TRAFFIC_PATH } from '../server/traffic-paths.js';
import { REGION_NAME } from '../state/partition.js';

/**
 * `mirrorlite replay FILE --eni ENI_ID`: streams a pcap or pcapng capture to a running server as
 * that ENI's traffic and prints the server's JSON summary. The file is read in large chunks and
 * sent as it is read, so a capture of any size uses constant memory. A progress bar goes to stderr
 * when stderr is a terminal; stdout carries only the summary.
 */

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4590';
/** Any key works (the server does not check signatures); a 12-digit key is taken as the account ID. */
export const DEFAULT_ACCESS_KEY = 'AKIAMIRRORLITE000000';
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

export interface ClientOptions {
  endpoint: string;
  region: string;
  accessKey: string;
}

/** --endpoint, --region, --access-key, shared by replay and explain; see clientOptions() for their defaults. */
export function withClientOptions(command: Command): Command {
  return command
    .addOption(new Option('--endpoint <url>', 'the mirrorlite server').env('MIRRORLITE_ENDPOINT').default(DEFAULT_ENDPOINT))
    .addOption(new Option('--region <region>', 'region of the ENI (default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1)'))
    .addOption(new Option('--access-key <key>', 'access key of the caller; a 12-digit key is the account ID (default: $AWS_ACCESS_KEY_ID)'));
}

/**
 * The flags with the environment's defaults filled in (at run time: help never shows a key). A
 * region that is not a region name is refused here: the server would refuse its credential scope.
 */
export function clientOptions(flags: { endpoint: string; region?: string; accessKey?: string }): ClientOptions {
  const region = flags.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
  if (!REGION_NAME.test(region)) throw new Error(`the region '${region}' is not a region name such as us-east-1`);
  return {
    endpoint: flags.endpoint,
    region,
    accessKey: flags.accessKey || process.env.AWS_ACCESS_KEY_ID || DEFAULT_ACCESS_KEY,
  };
}

/** What a client says when nothing answers at the server's address. */
export function unreachableServer(url: URL): string {
  return `cannot reach a mirrorlite server at ${url.origin} (is \`mirrorlite serve\` running?)`;
}

/** A SigV4-shaped Authorization header: the server reads the account and region from it, not the signature. */
export function authorization(options: ClientOptions, now = new Date()): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `AWS4-HMAC-SHA256 Credential=${options.accessKey}/${date}/${options.region}/ec2/aws4_request, SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000`;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** One request whose body is `body` (a buffer, or a stream piped as it is read). */
export function send(url: URL, headers: Record<string, string>, body: Buffer | Readable): Promise<HttpAnswer> {
  const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'POST', headers });
  return new Promise((resolve, reject) => {
    let answered = false;
    request.on('response', (response: IncomingMessage) => {
      answered = true;
      // An early answer (unknown ENI) needs no more of the body.
      if (!Buffer.isBuffer(body) && (response.statusCode ?? 500) >= 300) body.unpipe(request);
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return; // the server answered already; the rest of the upload does not matter
      reject(new Error(error.code === 'ECONNREFUSED' ? unreachableServer(url) : error.message));
    });
    if (Buffer.isBuffer(body)) {
      request.end(body);
    } else {
      body.on('error', (error) => {
        request.destroy();
        reject(error);
      });
      body.pipe(request);
    }
  });
}

/** The server's error message from a JSON error answer, or the raw text. */
export function serverMessage(answer: HttpAnswer): string {
  try {
    const parsed = JSON.parse(answer.text) as { error?: { code?: string; message?: string } };
    if (parsed.error?.message) return `${parsed.error.code ? `${parsed.error.code}: ` : ''}${parsed.error.message}`;
  } catch {
    // not JSON
  }
  return answer.text.trim() || '(empty answer)';
}

function mediaType(file: string): string {
  if (/\.pcapng$/i.test(file)) return 'application/x-pcapng';
  if (/\.(pcap|cap|dmp)$/i.test(file)) return 'application/vnd.tcpdump.pcap';
  return 'application/octet-stream';
}

/** Loaded only when drawn, so that other commands (serve) do not pay for it at start-up. */
async function progressBar(input: Readable, total: number | undefined): Promise<SingleBar | undefined> {
  if (!process.stderr.isTTY || total === undefined || total === 0) return undefined;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'replay [{bar}] {percentage}% | {sent} of {size} MB | {rate} MB/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const started = Date.now();
  let sent = 0;
  bar.start(total, 0, { sent: mb(0), size: mb(total), rate: '0' });
  input.on('data', (chunk: Buffer) => {
    sent += chunk.length;
    const seconds = (Date.now() - started) / 1000;
    bar.update(sent, { sent: mb(sent), rate: seconds > 0 ? mb(sent / seconds) : '0' });
  });
  return bar;
}

export function replayCommand(): Command {
  const command = new Command('replay')
    .description("stream a pcap or pcapng capture to the server as one ENI's traffic, and print the JSON summary")
    .argument('<file>', 'the capture (- for stdin)')
    .requiredOption('--eni <id>', 'the source network interface whose traffic the capture is');
  return withClientOptions(command).action(async (file: string, flags: { endpoint: string; region?: string; accessKey?: string; eni: string }) => {
    const options = clientOptions(flags);
    const size = file === '-' ? undefined : statSync(file).size; // a missing file fails here, before any request
    const input: Readable = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
    const url = new URL(TRAFFIC_PATH, options.endpoint);
    url.searchParams.set('eni', flags.eni);
    const headers: Record<string, string> = { 'content-type': mediaType(file), authorization: authorization(options) };
    if (size !== undefined) headers['content-length'] = String(size);
    const bar = await progressBar(input, size);
    let answer: HttpAnswer;
    try {
      answer = await send(url, headers, input);
    } finally {
      bar?.stop();
    }
    let summary: Record<string, unknown> | undefined;
    try {
      summary = JSON.parse(answer.text) as Record<string, unknown>;
    } catch {
      summary = undefined;
    }
    if (answer.status >= 200 && answer.status < 300 && summary) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    // A broken capture still has a summary of what was read before the break: print it too.
    if (summary && 'framesRead' in summary) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    input.destroy();
    throw new Error(`the server answered ${answer.status}: ${serverMessage(answer)}`);
  });
}
