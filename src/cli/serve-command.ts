import { Command, InvalidArgumentError, Option } from 'commander';
import { parseSinkSpec, type SinkSpec } from '../dataplane/mirror-output.js';
import { DEFAULT_QUOTAS, QUOTA_FLAGS, type Quotas } from '../service/service-config.js';
import type { LogLevel } from '../server/logger.js';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../server/server.js';
import { isIdOf } from '../state/ids.js';
import { ACCOUNT_ID, REGION_NAME } from '../state/partition.js';

/**
 * Commander hands an empty value (`--port ''`) to the parser as it is, and taken as it is '' was
 * port 0 (Number('') is 0), every interface (host ''), or state in memory (data dir ''): none of
 * them what was asked for, so an empty value is refused.
 */
function nonEmpty<Rest extends unknown[], T>(parse: (value: string, ...rest: Rest) => T): (value: string, ...rest: Rest) => T {
  return (value, ...rest) => {
    if (value === '') throw new InvalidArgumentError('the value is empty; leave the option out to get its default');
    return parse(value, ...rest);
  };
}

const text = nonEmpty((value: string) => value);

const port = nonEmpty((value: string): number => {
  // Number() alone takes ' ', '0x10' and '1e3' for ports too.
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  return Number(value);
});

/**
 * The default account and region own whatever unsigned callers create, so they must be ones a state
 * file can hold (the import's own rules): otherwise the server's export could not be imported back.
 */
function matching(pattern: RegExp, expected: string): (value: string) => string {
  return nonEmpty((value: string): string => {
    if (!pattern.test(value)) throw new InvalidArgumentError(expected);
    return value;
  });
}

const QUOTA_NAMES = [...QUOTA_FLAGS.keys()].join(', ');

const quota = nonEmpty((value: string, previous: Partial<Quotas> = {}): Partial<Quotas> => {
  const equals = value.indexOf('=');
  const name = equals < 0 ? value : value.slice(0, equals);
  const count = equals < 0 ? '' : value.slice(equals + 1);
  const key = QUOTA_FLAGS.get(name);
  if (key === undefined) throw new InvalidArgumentError(`'${name}' is not a quota name; expected NAME=COUNT, NAME one of ${QUOTA_NAMES}`);
  if (!/^\d+$/.test(count) || !Number.isSafeInteger(Number(count))) throw new InvalidArgumentError(`expected NAME=COUNT, COUNT a whole number, e.g. ${name}=${DEFAULT_QUOTAS[key]}`);
  return { ...previous, [key]: Number(count) };
});

/** The quotas and their defaults, for --help: the list --quota accepts, from the same table. */
function quotaHelp(): string {
  const width = Math.max(...[...QUOTA_FLAGS.keys()].map((name) => name.length));
  const lines = [...QUOTA_FLAGS].map(([name, key]) => `  ${name.padEnd(width)}  ${DEFAULT_QUOTAS[key]}`);
  return `\nQuotas (--quota NAME=COUNT; AWS's defaults):\n${lines.join('\n')}\n`;
}

const vxlanSink = nonEmpty((value: string, previous: SinkSpec[] = []): SinkSpec[] => {
  try {
    const spec = parseSinkSpec(value);
    // A malformed ID could never match a target: its sink would go unused without a word.
    if (spec.targetId !== undefined && !isIdOf('traffic-mirror-target', spec.targetId)) {
      throw new Error(`'${spec.targetId}' is not a traffic mirror target ID (tmt- and 8 or 17 lowercase hex digits)`);
    }
    return [...previous, spec];
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}; expected HOST:PORT (every target) or TARGET-ID=HOST:PORT (one target)`);
  }
});

/**
 * An empty MIRRORLITE_* variable counts as unset, the Unix convention (`MIRRORLITE_PORT= mirrorlite
 * serve` is how one exported further up is cleared): the option keeps its default, where commander
 * would parse '' as the value. Commander reads the variables right after parseOptions(), so they
 * are dropped there; test/serve-options.test.ts pins that this still holds.
 */
class ServeCommand extends Command {
  override parseOptions(argv: string[]): ReturnType<Command['parseOptions']> {
    for (const { envVar } of this.options) if (envVar !== undefined && process.env[envVar] === '') delete process.env[envVar];
    return super.parseOptions(argv);
  }
}

export function serveCommand(): Command {
  return new ServeCommand('serve')
    .description('serve the EC2 Traffic Mirroring API (and its data plane) over HTTP')
    .addOption(new Option('--host <host>', 'address to listen on').env('MIRRORLITE_HOST').default(DEFAULT_HOST).argParser(text))
    .addOption(new Option('--port <port>', 'port to listen on (0: any free port)').env('MIRRORLITE_PORT').default(DEFAULT_PORT).argParser(port))
    .addOption(new Option('--data-dir <dir>', 'keep state in SQLite in this folder (default: in memory)').env('MIRRORLITE_DATA_DIR').argParser(text))
    .addOption(
      new Option('--log-level <level>', 'log level').env('MIRRORLITE_LOG_LEVEL').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    )
    .addOption(new Option('--default-account <id>', 'account of callers whose access key is not a 12-digit account ID').default('000000000000').argParser(matching(ACCOUNT_ID, 'an account ID is 12 digits')))
    .addOption(new Option('--default-region <region>', 'region of callers without a SigV4 credential scope').default('us-east-1').argParser(matching(REGION_NAME, 'not a region name such as us-east-1')))
    .addOption(new Option('--quota <name=count>', 'override a Traffic Mirroring quota (repeatable; names below)').argParser(quota))
    .addOption(
      new Option('--mirror-dir <dir>', 'write mirrored packets to <dir>/<target-id>.pcap (default: <data-dir>/mirror, else <tmpdir>/mirrorlite-<uid>/mirror)').env('MIRRORLITE_MIRROR_DIR').argParser(text),
    )
    .addOption(new Option('--vxlan-sink <[target-id=]host:port>', 'also send mirrored packets as VXLAN over UDP to a collector; repeatable, per target with tmt-…=host:port').argParser(vxlanSink))
    .addHelpText('after', quotaHelp())
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
