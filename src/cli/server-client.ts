import { Command, Option } from 'commander';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { REGION_NAME } from '../state/partition.js';

/**
 * The client side of a running server, shared by replay, explain and state: the --endpoint,
 * --region and --access-key options, one way to send a request, and one way to say why it failed
 * (nothing listens, the server hung up, or it answered with an error).
 */

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4590';
/** Any key works (the server does not check signatures); a 12-digit key is taken as the account ID. */
export const DEFAULT_ACCESS_KEY = 'AKIAMIRRORLITE000000';

export interface ClientOptions {
  endpoint: URL;
  region: string;
  accessKey: string;
}

export function endpointOption(description = 'the mirrorlite server'): Option {
  return new Option('--endpoint <url>', description).env('MIRRORLITE_ENDPOINT').default(DEFAULT_ENDPOINT);
}

/** --endpoint, --region, --access-key, shared by replay and explain; see clientOptions() for their defaults. */
export function withClientOptions(command: Command): Command {
  return command
    .addOption(endpointOption())
    .addOption(new Option('--region <region>', 'region of the ENI (default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1)'))
    .addOption(new Option('--access-key <key>', 'access key of the caller; a 12-digit key is the account ID (default: $AWS_ACCESS_KEY_ID)'));
}

/**
 * The flags with the environment's defaults filled in (at run time: help never shows a key). A
 * region that is not a region name is refused here: the server would refuse its credential scope.
 */
export function clientOptions(command: Command): ClientOptions {
  const flags = command.opts<{ region?: string; accessKey?: string }>();
  const region = flags.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
  if (!REGION_NAME.test(region)) throw new Error(`the region '${region}' is not a region name such as us-east-1`);
  return {
    endpoint: serverEndpoint(command),
    region,
    accessKey: flags.accessKey || process.env.AWS_ACCESS_KEY_ID || DEFAULT_ACCESS_KEY,
  };
}

/**
 * The command's --endpoint as the base that request paths resolve against. Its path is kept, as a
 * directory, so that a server a proxy publishes under a prefix can be reached.
 */
export function serverEndpoint(command: Command): URL {
  const text = command.opts<{ endpoint: string }>().endpoint;
  const name = command.getOptionValueSource('endpoint') === 'env' ? 'MIRRORLITE_ENDPOINT' : '--endpoint';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name}: '${text}' is not a URL such as ${DEFAULT_ENDPOINT}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name}: '${text}' is not an http or https URL such as ${DEFAULT_ENDPOINT}`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** The endpoint as messages name it: without credentials or a trailing slash. */
export function endpointName(endpoint: URL): string {
  return `${endpoint.origin}${endpoint.pathname.replace(/\/$/, '')}`;
}

/** A SigV4-shaped Authorization header: the server reads the account and region from it, not the signature. */
export function authorization(options: ClientOptions, now = new Date()): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `AWS4-HMAC-SHA256 Credential=${options.accessKey}/${date}/${options.region}/ec2/aws4_request, SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000`;
}

export interface ServerRequest {
  method?: 'GET' | 'POST';
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A buffer, or a stream piped as it is read. */
  body?: Buffer | Readable;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/**
 * One request to `path` (one of the server's absolute paths) under the endpoint. Failing to get an
 * answer rejects with a message that names the endpoint and says what happened; any answer, an
 * error status too, resolves.
 */
export function send(endpoint: URL, path: string, options: ServerRequest = {}): Promise<HttpAnswer> {
  const url = new URL(path.replace(/^\/+/, ''), endpoint);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const { body } = options;
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers: options.headers ?? {} });
  return new Promise((resolve, reject) => {
    let answered = false;
    request.on('response', (response: IncomingMessage) => {
      answered = true;
      // An early answer (unknown ENI) needs no more of the body.
      if (body !== undefined && !Buffer.isBuffer(body) && (response.statusCode ?? 500) >= 300) body.unpipe(request);
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error: NodeJS.ErrnoException) => reject(connectionFailure(endpoint, error, 'while answering')));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return; // the server answered already; the rest of the upload does not matter
      reject(connectionFailure(endpoint, error, uploading(request, body) ? 'during the upload' : 'before answering'));
    });
    if (body === undefined || Buffer.isBuffer(body)) {
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

/** Whether the body was still being sent: a large import or a replay is cut off while it uploads. */
function uploading(request: ClientRequest, body: ServerRequest['body']): boolean {
  if (body === undefined || (Buffer.isBuffer(body) && body.length === 0)) return false;
  return !request.writableFinished;
}

function connectionFailure(endpoint: URL, error: NodeJS.ErrnoException, when: string): Error {
  const where = endpointName(endpoint);
  if (error.code === 'ECONNREFUSED') return new Error(`cannot reach a mirrorlite server at ${where} (is \`mirrorlite serve\` running?)`);
  // A server killed or restarted mid-request: a reset, a write to a closed socket, or "socket hang up".
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return new Error(`the server at ${where} closed the connection ${when}`);
  return new Error(`cannot reach a mirrorlite server at ${where} (${error.message})`);
}

/** The body of a 2xx answer; any other answer becomes an Error with the server's message. */
export function successText(answer: HttpAnswer): string {
  if (answer.status >= 200 && answer.status < 300) return answer.text;
  throw refusal(answer);
}

export function refusal(answer: HttpAnswer): Error {
  return new Error(`the server answered ${answer.status}: ${serverMessage(answer)}`);
}

/**
 * The server's message in an error answer: the API's and the data plane's `{"error": {code,
 * message}}`, the admin routes' `{"error": "message"}`, else the raw text.
 */
export function serverMessage(answer: HttpAnswer): string {
  try {
    const { error } = JSON.parse(answer.text) as { error?: string | { code?: string; message?: string } };
    if (typeof error === 'string' && error) return error;
    if (typeof error === 'object' && error?.message) return `${error.code ? `${error.code}: ` : ''}${error.message}`;
  } catch {
    // not JSON
  }
  return answer.text.trim() || '(empty answer)';
}
