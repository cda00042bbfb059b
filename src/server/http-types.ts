import type { IncomingHttpHeaders } from 'node:http';

/** A request as the routes see it: already read in full, nothing tied to a socket. */
export interface HttpRequest {
  method: string;
  /** Path and query string, as on the request line. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** A list of chunks is sent as one body, in order, without being joined first. */
  body: string | Buffer | Buffer[];
}

/** What the per-request log line says beyond method, path, status and time. */
export interface RequestLogFields {
  requestId?: string;
  action?: string;
  account?: string;
  region?: string;
  errorCode?: string;
  /** The source interface, on the data plane's routes. */
  eni?: string;
  parameters?: Record<string, string>;
}

export interface RoutedResponse extends HttpResponse {
  log: RequestLogFields;
}
