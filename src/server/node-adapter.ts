import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, requestTooLarge } from '../protocol/api-error.js';
import { decodeBody } from './body-decoding.js';
import type { RequestLogFields, RoutedResponse } from './http-types.js';
import type { Logger } from './logger.js';
import { pathOf, type RequestHead, type Router } from './router.js';

/** Node's parser errors that have a status of their own; any other is 400. */
const TRANSPORT_STATUS: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/** A route that consumes its request body as a stream (traffic in), bypassing the body buffer. */
export interface StreamRoute {
  method: 'POST' | 'GET';
  path: string;
  /** Resolves to the request line's fields (the caller, an error code), if the route has any. */
  handle(request: IncomingMessage, response: ServerResponse): Promise<RequestLogFields | void>;
}

export interface AdapterOptions {
  router: Router;
  logger: Logger;
  maxBodyBytes: number;
  streamRoutes?: readonly StreamRoute[];
  /** How long a connection may stay silent while a request is on it (default IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number;
}

/**
 * A request may take as long as it needs, but no connection may go silent for longer than this
 * while a request is on it. No deadline on the whole request: a replay streams its capture for as
 * long as the capture takes (Node's default deadline of 300 s cut long replays with a 408). A
 * client that stops sending mid-request gets a 408 after this long instead of holding its socket.
 */
export const IDLE_TIMEOUT_MS = 120_000;

/** The node:http side: reads the body (bounded, decompressed), calls the router, writes, logs. */
export function createHttpServer(options: AdapterOptions): Server {
  const streamRoutes = new Map((options.streamRoutes ?? []).map((route) => [`${route.method} ${route.path}`, route]));
  // The last request each connection carried: all a timeout or a transport error needs to know.
  // Node answers a connection's requests in order, so once the last is answered all are; and only
  // the last can still be reading its body, as the parser reaches a next request only after a body
  // ends. Kept without a listener per request: this runs on every call.
  const lastRequest = new WeakMap<Duplex, { request: IncomingMessage; response: ServerResponse; started: number }>();
  /** Requests answered 408 because their connection went silent: logged then, not again. */
  const timedOut = new WeakSet<IncomingMessage>();
  const server = createServer({ requestTimeout: 0 }, (request, response) => {
    const started = performance.now();
    lastRequest.set(request.socket, { request, response, started });
    const path = pathOf(request.url ?? '/');
    const streamRoute = streamRoutes.get(`${request.method} ${path}`);
    if (streamRoute) {
      streamRoute.handle(request, response).then(
        (fields) => {
          if (!timedOut.has(request)) logRequest(options.logger, request, response.statusCode, started, fields ?? {});
        },
        (error: unknown) => {
          options.logger.error({ err: error, path }, 'stream route failed');
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: 'internal error' }));
        },
      );
      return;
    }
    const answer = (routed: RoutedResponse) => {
      if (timedOut.has(request)) return;
      send(response, routed);
      logRequest(options.logger, request, routed.status, started, routed.log);
    };
    const fail = (error: unknown) => {
      options.logger.error({ err: error }, 'router failed');
      answer(options.router.refuse(head(request), new ApiError('InternalError', 'An internal error has occurred.', 500)));
    };
    readBody(request, options.maxBodyBytes, (error, body) => {
      if (error) {
        const apiError = error instanceof ApiError ? error : new ApiError('InvalidRequest', 'The request body could not be read.');
        const routed = options.router.refuse(head(request), apiError);
        // The client may still be sending: answer, then close rather than read the rest.
        routed.headers.connection = 'close';
        answer(routed);
        return;
      }
      // EC2 calls answer synchronously, in the same tick as the body's end; only some of
      // mirrorlite's own routes answer later.
      try {
        const routed = options.router.route({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body: body! });
        if (routed instanceof Promise) routed.then(answer, fail);
        else answer(routed);
      } catch (error) {
        fail(error);
      }
    });
  });
  // SDKs keep pooled connections for a while; a server that drops idle ones after Node's default
  // 5 s races clients that reuse them just then. Keep them about as long as AWS endpoints do.
  server.keepAliveTimeout = 61_000;
  server.headersTimeout = 65_000;
  server.timeout = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  // Node destroys a silent socket only when nobody listens for 'timeout'. Listening, we tell apart
  // a client that stopped sending a request (answered 408 at the transport level, as a request that
  // never finishes its headers is), the server still at work (a body it paused reading while the
  // disk catches up, an answer not ready yet: left alone), and an idle connection (closed).
  server.on('timeout', (socket: Duplex) => {
    const last = lastRequest.get(socket);
    if (!last || last.response.writableFinished) {
      socket.destroy();
      return;
    }
    const { request, response, started } = last;
    if (request.complete || request.readableFlowing === false || response.headersSent) return;
    timedOut.add(request);
    response.writeHead(408, { connection: 'close', 'content-length': '0' }).end();
    logRequest(options.logger, request, 408, started, { errorCode: 'RequestTimeout' });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    // Bytes that are not HTTP, at the transport level: no service envelope applies (AWS's front
    // end answers these with a bare status too). Requests read whole before them on the same
    // connection (pipelined) have run, so their answers go first, in order; then the refusal and
    // close. A request cut off by the bad bytes (a broken chunk) can never finish: refuse at once.
    const refuse = () => {
      if (socket.writable) socket.end(`HTTP/1.1 ${TRANSPORT_STATUS[error.code ?? ''] ?? '400 Bad Request'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    const last = lastRequest.get(socket);
    if (last && last.request.complete && !last.response.writableFinished) last.response.once('close', refuse);
    else refuse();
  });
  return server;
}

function head(request: IncomingMessage): RequestHead {
  return { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers };
}

function send(response: ServerResponse, routed: RoutedResponse): void {
  // Encoded here, once: handed a long string, the socket's writev sizes a buffer for the worst
  // case (three bytes a character) before encoding it, which costs more than the encoding.
  const chunks = typeof routed.body === 'string' ? [Buffer.from(routed.body)] : Array.isArray(routed.body) ? routed.body : [routed.body];
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  // Raw [name, value, …] pairs: node:http takes them as they are, without building a header map.
  const headers: string[] = ['content-length', String(length)];
  for (const name in routed.headers) headers.push(name, routed.headers[name]!);
  response.writeHead(routed.status, headers);
  // Corked, the chunks leave in one writev; cached bytes are sent without being copied.
  response.socket?.cork();
  for (let i = 0; i < chunks.length - 1; i++) response.write(chunks[i]);
  response.end(chunks[chunks.length - 1]);
  response.socket?.uncork();
}

function logRequest(
  logger: Logger,
  request: IncomingMessage,
  status: number,
  started: number,
  fields: RoutedResponse['log'],
): void {
  if (!logger.isLevelEnabled('info')) return;
  // One object of one shape for every line, rather than spreading `fields` into it: pino walks its
  // keys (leaving out those undefined), and a shape that never changes keeps that walk fast. The
  // line is written on every request: npm run bench -- describe measures it. Typed so that a field
  // added to RequestLogFields cannot be left out of the line.
  const line: { method?: string; path: string; status: number; ms: number } & { [Field in keyof Required<RequestLogFields>]: RequestLogFields[Field] } = {
    method: request.method,
    path: pathOf(request.url ?? '/'),
    status,
    ms: Math.round((performance.now() - started) * 100) / 100,
    requestId: fields.requestId,
    account: fields.account,
    region: fields.region,
    action: fields.action,
    eni: fields.eni,
    errorCode: fields.errorCode,
    parameters: fields.parameters,
  };
  logger.info(line, 'request');
}

/** The whole body, refused past `limit` bytes (also after gzip or deflate decoding). */
function readBody(request: IncomingMessage, limit: number, done: (error: unknown, body?: Buffer) => void): void {
  const declared = Number(request.headers['content-length']);
  if (declared > limit) {
    request.resume();
    done(requestTooLarge(limit));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (error: unknown, body?: Buffer) => {
    if (finished) return;
    finished = true;
    done(error, body);
  };
  request.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > limit) finish(requestTooLarge(limit));
    else chunks.push(chunk);
  });
  request.on('error', (error) => finish(error));
  request.on('end', () => {
    if (finished) return;
    let body: Buffer;
    try {
      body = decodeBody(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), request.headers['content-encoding'], limit);
    } catch (error) {
      finish(error);
      return;
    }
    finish(undefined, body);
  });
}
