// The data plane's place in the server: the engine cache, the outputs (pcap files and sinks) and
// the routes, set up together so that server.ts only adds them.

import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MirrorOutput, type SinkSpec } from '../dataplane/mirror-output.js';
import type { Store } from '../state/store.js';
import type { AdminRoute } from './admin-routes.js';
import type { Logger } from './logger.js';
import type { StreamRoute } from './node-adapter.js';
import { TrafficEngines } from './traffic-engines.js';
import { counterRoutes, explainRoute, trafficRoute } from './traffic-routes.js';

export interface TrafficPlaneOptions {
  store: Store;
  logger: Logger;
  defaults: { account: string; region: string };
  /** --mirror-dir; else <data-dir>/mirror; else <os.tmpdir()>/mirrorlite/mirror. */
  mirrorDir?: string;
  dataDir?: string;
  vxlanSinks?: readonly SinkSpec[];
}

export interface TrafficPlane {
  mirrorDir: string;
  /** Target ID ('*': every target) → the sink's resolved address. */
  sinks: Record<string, string>;
  routes: AdminRoute[];
  streamRoutes: StreamRoute[];
  /** Closes the files (after their pending writes) and the sinks. */
  close(): Promise<void>;
}

export function mirrorDirOf(mirrorDir: string | undefined, dataDir: string | undefined): string {
  if (mirrorDir) return resolve(mirrorDir);
  if (dataDir) return resolve(dataDir, 'mirror');
  return join(tmpdir(), 'mirrorlite', 'mirror');
}

export async function startTrafficPlane(options: TrafficPlaneOptions): Promise<TrafficPlane> {
  const mirrorDir = mirrorDirOf(options.mirrorDir, options.dataDir);
  const output = await MirrorOutput.open({
    directory: mirrorDir,
    sinks: options.vxlanSinks ?? [],
    onWarning: (message) => options.logger.warn({ mirrorDir }, message),
  });
  const routeOptions = { store: options.store, engines: new TrafficEngines(), output, logger: options.logger, defaults: options.defaults };
  return {
    mirrorDir,
    sinks: output.sinkDescriptions(),
    routes: [explainRoute(routeOptions), ...counterRoutes(routeOptions)],
    streamRoutes: [trafficRoute(routeOptions)],
    close: () => output.close(),
  };
}
