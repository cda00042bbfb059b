import { Command, InvalidArgumentError, Option } from 'commander';
import { parseSinkSpec, type SinkSpec } from '../dataplane/mirror-output.js';
import { quotaFromFlag, type Quotas } from '../service/service-config.js';
import type { LogLevel } from '../server/logger.js';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../server/server.js';
import { ACCOUNT_ID, REGION_NAME } from '../state/partition.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  return n;
}

/**
 * The default account and region own whatever unsigned callers create, so they must be ones a state
 * file can hold (the import's own rules): otherwise the server's export could not be imported back.
 */
function matching(pattern: RegExp, expected: string): (value: string) => string {
  return (value) => {
    if (!pattern.test(value)) throw new InvalidArgumentError(expected);
    return value;
  };
}

function quota(value: string, previous: Partial<Quotas> = {}): Partial<Quotas> {
  const [name, amount] = value.split('=');
  const key = name ? quotaFromFlag(name) : undefined;
  const n = Number(amount);
  if (!key || !Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError('expected NAME=COUNT, e.g. sessions-per-interface=5 (names: sessions-per-interface, rules-per-filter, sources-per-interface-target, sessions-per-account, targets-per-account, filters-per-account, tags-per-resource)');
  }
  return { ...previous, [key]: n };
}

function vxlanSink(value: string, previous: SinkSpec[] = []): SinkSpec[] {
  try {
    return [...previous, parseSinkSpec(value)];
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}; expected HOST:PORT (every target) or TARGET-ID=HOST:PORT (one target)`);
  }
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the EC2 Traffic Mirroring API (and its data plane) over HTTP')
    .addOption(new Option('--host <host>', 'address to listen on').env('MIRRORLITE_HOST').default(DEFAULT_HOST))
    .addOption(new Option('--port <port>', 'port to listen on (0: any free port)').env('MIRRORLITE_PORT').default(DEFAULT_PORT).argParser(port))
    .addOption(new Option('--data-dir <dir>', 'keep state in SQLite in this folder (default: in memory)').env('MIRRORLITE_DATA_DIR'))
    .addOption(
      new Option('--log-level <level>', 'log level').env('MIRRORLITE_LOG_LEVEL').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    )
    .addOption(new Option('--default-account <id>', 'account of callers whose access key is not a 12-digit account ID').default('000000000000').argParser(matching(ACCOUNT_ID, 'an account ID is 12 digits')))
    .addOption(new Option('--default-region <region>', 'region of callers without a SigV4 credential scope').default('us-east-1').argParser(matching(REGION_NAME, 'not a region name such as us-east-1')))
    .addOption(new Option('--quota <name=count>', 'override a Traffic Mirroring quota (repeatable)').argParser(quota))
    .addOption(
      new Option('--mirror-dir <dir>', 'write mirrored packets to <dir>/<target-id>.pcap (default: <data-dir>/mirror, else <tmpdir>/mirrorlite-<uid>/mirror)').env('MIRRORLITE_MIRROR_DIR'),
    )
    .addOption(new Option('--vxlan-sink <[target-id=]host:port>', 'also send mirrored packets as VXLAN over UDP to a collector; repeatable, per target with tmt-…=host:port').argParser(vxlanSink))
    .action(async (options: { host: string; port: number; dataDir?: string; logLevel: LogLevel; defaultAccount: string; defaultRegion: string; quota?: Partial<Quotas>; mirrorDir?: string; vxlanSink?: SinkSpec[] }) => {
      const server = await startServer({
        host: options.host,
        port: options.port,
        logLevel: options.logLevel,
        defaultAccount: options.defaultAccount,
        defaultRegion: options.defaultRegion,
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.quota ? { quotas: options.quota } : {}),
        ...(options.mirrorDir ? { mirrorDir: options.mirrorDir } : {}),
        ...(options.vxlanSink ? { vxlanSinks: options.vxlanSink } : {}),
      });
      const stop = (signal: string) => {
        server.logger.info({ signal }, 'stopping');
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
