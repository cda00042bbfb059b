import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, requestTooLarge } from '../protocol/api-error.js';
import { decodeBody } from './body-decoding.js';
import type { Ec2Endpoint } from './ec2-endpoint.js';
import type { RoutedResponse } from './http-types.js';
import type { Logger } from './logger.js';
import type { Router } from './router.js';

/** A route that consumes its request body as a stream (traffic in), bypassing the body buffer. */
export interface StreamRoute {
  method: 'POST' | 'GET';
  path: string;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

export interface AdapterOptions {
  router: Router;
  endpoint: Ec2Endpoint;
  logger: Logger;
  maxBodyBytes: number;
  streamRoutes?: readonly StreamRoute[];
}

/** The node:http side: reads the body (bounded, decompressed), calls the router, writes, logs. */
export function createHttpServer(options: AdapterOptions): Server {
  const streamRoutes = new Map((options.streamRoutes ?? []).map((route) => [`${route.method} ${route.path}`, route]));
  const server = createServer((request, response) => {
    const started = process.hrtime.bigint();
    const path = (request.url ?? '/').split('?', 1)[0];
    const streamRoute = streamRoutes.get(`${request.method} ${path}`);
    if (streamRoute) {
      streamRoute.handle(request, response).then(
        () => logRequest(options.logger, request, response.statusCode, started, {}),
        (error: unknown) => {
          options.logger.error({ err: error, path }, 'stream route failed');
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: 'internal error' }));
        },
      );
      return;
    }
    readBody(request, options.maxBodyBytes).then(
      async (body) => {
        let routed: RoutedResponse;
        try {
          routed = await options.router({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body });
        } catch (error) {
          options.logger.error({ err: error }, 'router failed');
          routed = options.endpoint.refuse(new ApiError('InternalError', 'An internal error has occurred.', 500));
        }
        send(response, routed);
        logRequest(options.logger, request, routed.status, started, routed.log);
      },
      (error: unknown) => {
        const apiError = error instanceof ApiError ? error : new ApiError('InvalidRequest', 'The request body could not be read.');
        const routed = options.endpoint.refuse(apiError);
        // The client may still be sending: answer, then close rather than read the rest.
        routed.headers.connection = 'close';
        send(response, routed);
        logRequest(options.logger, request, routed.status, started, routed.log);
      },
    );
  });
  // SDKs keep pooled connections for a while; a server that drops idle ones after Node's default
  // 5 s races clients that reuse them just then. Keep them about as long as AWS endpoints do.
  server.keepAliveTimeout = 61_000;
  server.headersTimeout = 65_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });
  return server;
}

function send(response: ServerResponse, routed: RoutedResponse): void {
  const body = typeof routed.body === 'string' ? Buffer.from(routed.body) : routed.body;
  response.writeHead(routed.status, { ...routed.headers, 'content-length': String(body.length) });
  response.end(body);
}

function logRequest(
  logger: Logger,
  request: IncomingMessage,
  status: number,
  started: bigint,
  fields: RoutedResponse['log'],
): void {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  logger.info({ method: request.method, path: request.url?.split('?', 1)[0], status, ms: Math.round(ms * 100) / 100, ...fields }, 'request');
}

/** The whole body, refused past `limit` bytes (also after gzip or deflate decoding). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (declared > limit) {
      request.resume();
      reject(requestTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        reject(requestTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', (error) => reject(error));
    request.on('end', () => {
      if (refused) return;
      try {
        resolve(decodeBody(Buffer.concat(chunks, size), request.headers['content-encoding'], limit));
      } catch (error) {
        reject(error);
      }
    });
  });
}
