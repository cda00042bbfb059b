// The data plane over HTTP, beside the EC2 API:
//   POST /_mirrorlite/traffic?eni=ENI_ID      a pcap or pcapng stream as that ENI's traffic → replay summary;
//        [&pps=N | &multiplier=X]             at N frames per second, or at the capture's timing × X
//        [&maxsleep=MS]                        with multiplier: no wait between frames longer than MS
//   POST /_mirrorlite/explain?eni=ENI_ID      one raw Ethernet frame → FrameExplanation
//        [&id=REPLAY_ID]                       the replay's name while it runs (default: a UUID)
//   GET  /_mirrorlite/replays[?id=REPLAY_ID]  the caller's running replays: how far each has come
//   GET  /_mirrorlite/counters                per session and per rule: packets and bytes
//   POST /_mirrorlite/counters/reset
// The caller's account and region come from the SigV4 Authorization header as for EC2 calls, or
// from `account` and `region` query parameters, which win when given. Answers are JSON; errors are
// `{ "error": { "code", "message" } }` with EC2's codes and messages where EC2 has one.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MirrorConfigError } from '../dataplane/config.js';
import { explainFrame } from '../dataplane/explain.js';
import { parsePaceValue, type ReplayPace } from '../dataplane/replay-pacer.js';
import type { MirrorOutput } from '../dataplane/mirror-output.js';
import { ApiError } from '../protocol/api-error.js';
import { notFound } from '../service/errors.js';
import { ACCOUNT_ID, REGION_NAME, type Partition } from '../state/partition.js';
import type { Store } from '../state/store.js';
import { json, type AdminRoute } from './admin-routes.js';
import { identifyCaller, type Caller } from './caller-identity.js';
import type { HttpRequest, RequestLogFields, RoutedResponse } from './http-types.js';
import type { Logger } from './logger.js';
import type { StreamRoute } from './node-adapter.js';
import type { TrafficEngines } from './traffic-engines.js';
import { COUNTERS_PATH, COUNTERS_RESET_PATH, EXPLAIN_PATH, REPLAYS_PATH, TRAFFIC_PATH } from './traffic-paths.js';
import { feedReplay } from './traffic-feed.js';
import { TrafficReplay, type ReplaySummary } from './traffic-replay.js';

export { COUNTERS_PATH, COUNTERS_RESET_PATH, EXPLAIN_PATH, REPLAYS_PATH, TRAFFIC_PATH };

// Any Content-Type is accepted: the capture format is recognised by its magic number.

export interface TrafficRouteOptions {
  store: Store;
  engines: TrafficEngines;
  output: MirrorOutput;
  logger: Logger;
  defaults: { account: string; region: string };
  /** The replays running now, by ID. */
  replays: Map<string, RunningReplay>;
}

export interface RunningReplay {
  caller: Caller;
  run: TrafficReplay;
}

const REPLAY_ID = /^[A-Za-z0-9._-]{1,64}$/;

class RouteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** The caller, as for EC2 calls, with `account` and `region` query parameters taking precedence. */
export function trafficCaller(authorization: string | string[] | undefined, query: URLSearchParams, defaults: { account: string; region: string }): Caller {
  let caller: Caller;
  try {
    caller = identifyCaller(typeof authorization === 'string' ? authorization : undefined, undefined, undefined, defaults);
  } catch (error) {
    if (error instanceof ApiError) throw new RouteError(error.status, error.code, error.message);
    throw error;
  }
  const account = query.get('account');
  const region = query.get('region');
  if (account !== null) {
    if (!ACCOUNT_ID.test(account)) throw new RouteError(400, 'InvalidParameterValue', `Value (${account}) for parameter account is invalid. An account ID is 12 digits.`);
    caller.account = account;
  }
  if (region !== null) {
    if (!REGION_NAME.test(region)) throw new RouteError(400, 'InvalidParameterValue', `Value (${region}) for parameter region is invalid. Expected a region such as us-east-1.`);
    caller.region = region;
  }
  return caller;
}

/** The ENI named by `?eni=`, which must exist in the caller's account and region. */
function sourceEni(store: Store, caller: Caller, query: URLSearchParams): { partition: Partition; eni: string } {
  const eni = query.get('eni');
  if (!eni) throw new RouteError(400, 'MissingParameter', 'The request must contain the parameter eni');
  const partition = store.partition(caller.account, caller.region);
  if (!partition.networkInterfaces.has(eni)) {
    const error = notFound('network-interface', eni);
    throw new RouteError(404, error.code, error.message);
  }
  return { partition, eni };
}

/** `pps` or `multiplier` (with `maxsleep` or not), each a positive number; neither: top speed (null). */
function paceOf(query: URLSearchParams): ReplayPace | null {
  const positive = (name: string): number | null => {
    const text = query.get(name);
    if (text === null) return null;
    const value = parsePaceValue(text);
    if (value === undefined) throw new RouteError(400, 'InvalidParameterValue', `Value (${text}) for parameter ${name} is invalid. Expected a positive number.`);
    return value;
  };
  const framesPerSecond = positive('pps');
  const multiplier = positive('multiplier');
  const maxSleepMs = positive('maxsleep');
  if (framesPerSecond !== null && multiplier !== null) throw new RouteError(400, 'InvalidParameterCombination', 'The parameters pps and multiplier cannot be used together: pace by one or the other.');
  if (maxSleepMs !== null && multiplier === null) {
    throw new RouteError(400, 'InvalidParameterCombination', "The parameter maxsleep requires multiplier: it caps the waits of the capture's own timing.");
  }
  if (framesPerSecond !== null) return { framesPerSecond };
  if (multiplier !== null) return maxSleepMs === null ? { multiplier } : { multiplier, maxSleepMs };
  return null;
}

/** The replay's ID: the caller's `id`, which no running replay has, or a new UUID. */
function replayIdOf(query: URLSearchParams, replays: ReadonlyMap<string, RunningReplay>): string {
  const id = query.get('id');
  if (id === null) return randomUUID();
  if (!REPLAY_ID.test(id)) throw new RouteError(400, 'InvalidParameterValue', `Value (${id}) for parameter id is invalid. Expected 1 to 64 letters, digits, '.', '_' or '-'.`);
  if (replays.has(id)) throw new RouteError(400, 'InvalidParameterValue', `A replay with id ${id} is already running.`);
  return id;
}

function queryOf(url: string): URLSearchParams {
  const start = url.indexOf('?');
  return new URLSearchParams(start < 0 ? '' : url.slice(start + 1));
}

/** The answer when the stored state cannot be compiled into an engine (a hand-edited import or database). */
function configFailure(error: MirrorConfigError): { error: { code: string; message: string } } {
  return { error: { code: 'InternalError', message: `The mirroring configuration cannot be compiled: ${error.message}` } };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(`${JSON.stringify(body, null, 2)}\n`);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
  response.end(bytes);
}

/** POST /_mirrorlite/traffic: streams the body through the engine; never holds more than a chunk. */
export function trafficRoute(options: TrafficRouteOptions): StreamRoute {
  return { method: 'POST', path: TRAFFIC_PATH, handle: (request, response) => replay(options, request, response) };
}

/**
 * Resolves to the request line's fields (the ENI, the caller, the error code). A replay also logs a
 * line of its own with what it read and mirrored: 'traffic replayed' or 'traffic aborted by the client'.
 */
async function replay(options: TrafficRouteOptions, request: IncomingMessage, response: ServerResponse): Promise<RequestLogFields> {
  const { output, engines, logger, replays } = options;
  let caller: Caller;
  let id: string;
  let source: { partition: Partition; eni: string };
  let pace: ReplayPace | null;
  const log: RequestLogFields = {};
  try {
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') throw new RouteError(415, 'UnsupportedMediaType', `Content-Encoding '${encoding}' is not supported: send the capture as it is.`);
    const query = queryOf(request.url ?? '/');
    log.eni = query.get('eni') || undefined;
    caller = loggedCaller(request.headers.authorization, query, options.defaults, log);
    source = sourceEni(options.store, caller, query);
    pace = paceOf(query);
    id = replayIdOf(query, replays);
    engines.current(source.partition); // a configuration that does not compile fails here, before any output
  } catch (error) {
    // Read the rest of the body (and drop it), so a client still uploading gets the answer.
    request.resume();
    if (error instanceof RouteError) {
      sendJson(response, error.status, error.body());
      return { ...log, errorCode: error.code };
    }
    if (error instanceof MirrorConfigError) {
      sendJson(response, 500, configFailure(error));
      return { ...log, errorCode: 'InternalError' };
    }
    throw error;
  }

  output.acquire();
  const run = new TrafficReplay(engines, source.partition, source.eni, output, pace);
  // Listed by GET /_mirrorlite/replays while it runs (the CLI's progress bar asks there).
  replays.set(id, { caller, run });
  try {
    const fed = await feedReplay(request, response, run, output);
    const outcome = fed.outcome;
    let failure = fed.failure;
    try {
      await output.release();
    } catch (error) {
      failure ??= error;
    }
    const summary = run.summary(id, caller);
    const errorCode = failure !== null ? 'InternalError' : summary.capture.error ? 'InvalidCapture' : undefined;
    logger.info(
      { ...log, errorCode, replayId: id, framesRead: summary.framesRead, mirrored: sum(summary.mirrored), seconds: summary.seconds, framesPerSecond: summary.framesPerSecond, pace: summary.pace, captureError: summary.capture.error?.code },
      outcome === 'aborted' ? 'traffic aborted by the client' : 'traffic replayed',
    );
    const fields = errorCode ? { ...log, errorCode } : log;
    if (outcome === 'aborted') return fields;
    if (failure !== null) {
      logger.error({ err: failure, eni: source.eni }, 'traffic replay failed');
      const message = failure instanceof Error ? failure.message : String(failure);
      sendJson(response, 500, { error: { code: 'InternalError', message: `The replay stopped: ${message}` }, ...summary });
    } else if (summary.capture.error) {
      const { code, message, offset } = summary.capture.error;
      sendJson(response, 400, { error: { code: 'InvalidCapture', message: `The body is not a readable capture: ${message} (${code} at byte ${offset})` }, ...summary });
    } else {
      sendJson(response, 200, summary satisfies ReplaySummary);
    }
    return fields;
  } finally {
    replays.delete(id);
  }
}

function sum(counts: Record<string, number>): number {
  let total = 0;
  for (const id in counts) total += counts[id]!;
  return total;
}

/** Runs a route; `log` is filled in as the route learns the caller and the ENI, and goes on the request line. */
function answer(work: (log: RequestLogFields) => RoutedResponse): RoutedResponse {
  const log: RequestLogFields = {};
  try {
    return { ...work(log), log };
  } catch (error) {
    if (error instanceof RouteError) return json(error.status, error.body(), { ...log, errorCode: error.code });
    if (error instanceof MirrorConfigError) return json(500, configFailure(error), { ...log, errorCode: 'InternalError' });
    throw error;
  }
}

/** The caller of a request, noted on its request line. */
function loggedCaller(authorization: string | string[] | undefined, query: URLSearchParams, defaults: { account: string; region: string }, log: RequestLogFields): Caller {
  const caller = trafficCaller(authorization, query, defaults);
  log.account = caller.account;
  log.region = caller.region;
  return caller;
}

/** POST /_mirrorlite/explain?eni=…: the body is one Ethernet frame; counts nothing. */
export function explainRoute(options: TrafficRouteOptions): AdminRoute {
  return {
    method: 'POST',
    path: EXPLAIN_PATH,
    handle: (request: HttpRequest) =>
      answer((log) => {
        const query = queryOf(request.url);
        log.eni = query.get('eni') || undefined;
        const caller = loggedCaller(request.headers.authorization, query, options.defaults, log);
        const { partition, eni } = sourceEni(options.store, caller, query);
        if (request.body.length === 0) throw new RouteError(400, 'MissingParameter', 'The request body must be one Ethernet frame');
        const compiled = options.engines.current(partition);
        const explanation = explainFrame(compiled.engine, eni, request.body);
        return json(200, compiled.warnings.length > 0 ? { ...explanation, warnings: compiled.warnings } : explanation);
      }),
  };
}

/** GET /_mirrorlite/replays[?id=…]: the caller's running replays, oldest first; an unknown `id` is 404. */
export function replaysRoute(options: TrafficRouteOptions): AdminRoute {
  return {
    method: 'GET',
    path: REPLAYS_PATH,
    handle: (request) =>
      answer((log) => {
        const query = queryOf(request.url);
        const caller = loggedCaller(request.headers.authorization, query, options.defaults, log);
        const wanted = query.get('id');
        const replays = [...options.replays]
          .filter(([id, replay]) => replay.caller.account === caller.account && replay.caller.region === caller.region && (wanted === null || id === wanted))
          .map(([id, replay]) => replay.run.progress(id));
        if (wanted !== null && replays.length === 0) throw new RouteError(404, 'InvalidReplayId.NotFound', `The replay '${wanted}' is not running.`);
        return json(200, { account: caller.account, region: caller.region, replays });
      }),
  };
}

/** GET /_mirrorlite/counters and POST /_mirrorlite/counters/reset, for the caller's account and region. */
export function counterRoutes(options: TrafficRouteOptions): AdminRoute[] {
  const partitionOf = (request: HttpRequest, log: RequestLogFields) => {
    const caller = loggedCaller(request.headers.authorization, queryOf(request.url), options.defaults, log);
    return { caller, partition: options.store.partition(caller.account, caller.region) };
  };
  return [
    {
      method: 'GET',
      path: COUNTERS_PATH,
      handle: (request) =>
        answer((log) => {
          const { caller, partition } = partitionOf(request, log);
          return json(200, { account: caller.account, region: caller.region, ...options.engines.counters(partition) });
        }),
    },
    {
      method: 'POST',
      path: COUNTERS_RESET_PATH,
      handle: (request) =>
        answer((log) => {
          const { caller, partition } = partitionOf(request, log);
          options.engines.resetCounters(partition);
          return json(200, { account: caller.account, region: caller.region, reset: true });
        }),
    },
  ];
}
