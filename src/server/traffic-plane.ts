// The data plane's place in the server: the engine cache, the outputs (pcap files and sinks) and
// the routes, set up together so that server.ts only adds them.

import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { MirrorDirectoryError, MirrorOutput, type SinkSpec } from '../dataplane/mirror-output.js';
import type { Store } from '../state/store.js';
import type { AdminRoute } from './admin-routes.js';
import type { Logger } from './logger.js';
import type { StreamRoute } from './node-adapter.js';
import { TrafficEngines } from './traffic-engines.js';
import { counterRoutes, explainRoute, replaysRoute, trafficRoute } from './traffic-routes.js';

export interface TrafficPlaneOptions {
  store: Store;
  logger: Logger;
  defaults: { account: string; region: string };
  /** --mirror-dir; else <data-dir>/mirror; else <os.tmpdir()>/mirrorlite-<uid>/mirror. */
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

/** Where the pcap files go, and the folder that must be this user's own when it is the default. */
export function mirrorDirOf(mirrorDir: string | undefined, dataDir: string | undefined): { directory: string; privateRoot?: string } {
  if (mirrorDir) return { directory: resolve(mirrorDir) };
  if (dataDir) return { directory: resolve(dataDir, 'mirror') };
  const privateRoot = defaultMirrorRoot();
  return { directory: join(privateRoot, 'mirror'), privateRoot };
}

/**
 * One folder per user, `<tmpdir>/mirrorlite-<uid>`, rather than one shared by every user (where
 * whoever came first owned it and the others could not write) or one per process (which would
 * leave a new folder behind at every start, and move the files at every restart): a user's
 * in-memory servers keep writing where the last one did, and no other user's can. Without user
 * IDs (Windows), the user name; the temporary folder is per user there anyway.
 */
export function defaultMirrorRoot(): string {
  const uid = process.getuid?.();
  const user = uid !== undefined ? String(uid) : userInfo().username.replace(/[^A-Za-z0-9._-]/g, '_');
  return join(tmpdir(), `mirrorlite-${user}`);
}

export async function startTrafficPlane(options: TrafficPlaneOptions): Promise<TrafficPlane> {
  const { directory: mirrorDir, privateRoot } = mirrorDirOf(options.mirrorDir, options.dataDir);
  let output: MirrorOutput;
  try {
    output = await MirrorOutput.open({
      directory: mirrorDir,
      ...(privateRoot !== undefined ? { privateRoot } : {}),
      sinks: options.vxlanSinks ?? [],
      onWarning: (message) => options.logger.warn({ mirrorDir }, message),
    });
  } catch (error) {
    if (!(error instanceof MirrorDirectoryError)) throw error;
    throw new MirrorDirectoryError(`${error.message}; choose another directory with --mirror-dir (or $MIRRORLITE_MIRROR_DIR)`);
  }
  const routeOptions = { store: options.store, engines: new TrafficEngines(), output, logger: options.logger, defaults: options.defaults, replays: new Map() };
  return {
    mirrorDir,
    sinks: output.sinkDescriptions(),
    routes: [explainRoute(routeOptions), replaysRoute(routeOptions), ...counterRoutes(routeOptions)],
    streamRoutes: [trafficRoute(routeOptions)],
    close: () => output.close(),
  };
}
