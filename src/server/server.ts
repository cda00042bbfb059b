import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ServiceModel } from '../protocol/service-model.js';
import { handlers, notImplemented, readOnlyOperations } from '../service/operations.js';
import { serviceConfig, type Quotas } from '../service/service-config.js';
import { validationRules } from '../service/validation-rules.js';
import { materialiseDefaultSecurityGroups } from '../service/vpcs.js';
import { Store, type Persistence } from '../state/store.js';
import { adminRoutes } from './admin-routes.js';
import { Ec2Endpoint } from './ec2-endpoint.js';
import { createLogger, type LogLevel, type Logger } from './logger.js';
import { createHttpServer } from './node-adapter.js';
import { MODEL_PATH, PACKAGE_VERSION, STS_MODEL_PATH } from './package-files.js';
import { createRouter } from './router.js';
import { stateExportRoute, stateImportRoute } from './state-routes.js';
import { StsEndpoint } from './sts-endpoint.js';
import { stsHandlers } from '../service/security-token.js';
import { startTrafficPlane } from './traffic-plane.js';
import type { SinkSpec } from '../dataplane/mirror-output.js';

export interface ServerOptions {
  host?: string;
  port?: number;
  /** Keep state in SQLite in this folder; in memory when absent. */
  dataDir?: string;
  logLevel?: LogLevel;
  defaultAccount?: string;
  defaultRegion?: string;
  quotas?: Partial<Quotas>;
  maxBodyBytes?: number;
  /** How long a connection may stay silent mid-request (default: node-adapter's IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number;
  /** Where mirrored packets are written (see traffic-plane.ts for the default). */
  mirrorDir?: string;
  /** --vxlan-sink: also send mirrored packets as UDP datagrams. */
  vxlanSinks?: SinkSpec[];
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  store: Store;
  logger: Logger;
  mirrorDir: string;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4590;
/** EC2 Query requests are small; 1 MiB holds a Describe of thousands of IDs. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const startedAt = Date.now();
  const logger = createLogger(options.logLevel);
  const model = ServiceModel.fromFile(MODEL_PATH);
  const store = new Store(options.dataDir ? await openPersistence(options.dataDir) : undefined);
  const config = serviceConfig({
    ...(options.defaultAccount ? { defaultAccount: options.defaultAccount } : {}),
    ...(options.defaultRegion ? { defaultRegion: options.defaultRegion } : {}),
    ...(options.quotas ? { quotas: options.quotas } : {}),
  });
  // State saved by an older mirrorlite gets what it lacks (a stored default security group per VPC).
  const upgradeState = () => materialiseDefaultSecurityGroups(store);
  upgradeState();
  const endpoint = new Ec2Endpoint({
    model,
    handlers,
    notImplemented,
    validationRules,
    store,
    config,
    // Kept with persistent state, so a NextToken stays valid across a restart.
    tokenSecret: Buffer.from(store.metaValue('pagination-token-secret', () => randomBytes(32).toString('base64')), 'base64'),
    logParameters: logger.isLevelEnabled('debug'),
    readOnlyOperations,
    onUnexpectedError: (error, fields) => logger.error({ err: error, ...fields }, 'unexpected error'),
  });
  // STS's GetCallerIdentity, on the same address: how clients learn the caller's account.
  const sts = new StsEndpoint({
    model: ServiceModel.fromFile(STS_MODEL_PATH),
    handlers: stsHandlers,
    defaults: { account: config.defaultAccount, region: config.defaultRegion },
    logParameters: logger.isLevelEnabled('debug'),
    onUnexpectedError: (error, fields) => logger.error({ err: error, ...fields }, 'unexpected error'),
  });
  const traffic = await startTrafficPlane({
    store,
    logger,
    defaults: { account: config.defaultAccount, region: config.defaultRegion },
    ...(options.mirrorDir ? { mirrorDir: options.mirrorDir } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.vxlanSinks ? { vxlanSinks: options.vxlanSinks } : {}),
  });
  const router = createRouter(endpoint, [...adminRoutes(store, startedAt, PACKAGE_VERSION), stateExportRoute(store), ...traffic.routes], sts);
  const server = createHttpServer({
    router,
    logger,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    streamRoutes: [stateImportRoute(store, upgradeState), ...traffic.streamRoutes],
  });

  const host = options.host ?? DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // At every level but 'silent': the line carries the port bound for --port 0 and where state and
  // packets go, which a user needs even when only warnings are logged.
  const startLogger = logger.level === 'silent' ? logger : logger.child({}, { level: 'info' });
  startLogger.info(
    { url, host, port, persistent: store.persistent, dataDir: options.dataDir ? resolve(options.dataDir) : undefined, mirrorDir: traffic.mirrorDir, vxlanSinks: traffic.sinks, ms: Date.now() - startedAt },
    'listening',
  );
  logger.flush();

  return {
    url,
    host,
    port,
    store,
    logger,
    mirrorDir: traffic.mirrorDir,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          void traffic.close();
          store.close();
          logger.flush();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** SQLite is loaded only when a data dir is asked for, keeping in-memory start-up light. */
async function openPersistence(dataDir: string): Promise<Persistence> {
  const { openSqlitePersistence } = await import('../state/sqlite-persistence.js');
  return openSqlitePersistence(dataDir);
}
