import { Command, Option } from 'commander';
import type { SqlitePersistence } from '../state/sqlite-persistence.js';
import { fromStateFile, toStateFile } from '../state/state-file.js';
import { STATE_PATH } from '../server/state-routes.js';
import { readInput, writeOutput } from './local-files.js';
import { DEFAULT_ENDPOINT, endpointName, endpointOption, send, serverEndpoint, successText } from './server-client.js';

/**
 * `mirrorlite state export|import`: move a whole environment between machines. With --data-dir
 * the database is read or written directly (the server must be stopped: it holds the data dir's
 * lock); otherwise a running server is asked over HTTP.
 */

/** Loaded on use, so that `mirrorlite serve` without a data dir never loads SQLite. */
const sqlite = () => import('../state/sqlite-persistence.js');

const dataDirOption = () => new Option('--data-dir <dir>', "a stopped server's data dir, read or written directly").env('MIRRORLITE_DATA_DIR');
const stateEndpointOption = () => endpointOption('a running mirrorlite server (when no --data-dir is given)');

/**
 * Runs `work` on a data dir opened for export (read-only) or import. A running server holds the
 * dir's lock, and SQLite then gives up after its busy timeout with an error that does not say what
 * to do instead: ask that server over HTTP.
 */
async function withDataDir<T>(dataDir: string, purpose: 'export from' | 'import into', work: (persistence: SqlitePersistence) => T): Promise<T> {
  const { openSqlitePersistence, StateFileError } = await sqlite();
  try {
    const persistence = openSqlitePersistence(dataDir, { readOnly: purpose === 'export from' });
    try {
      return work(persistence);
    } finally {
      persistence.close();
    }
  } catch (error) {
    // sqlite-persistence says this for SQLITE_BUSY and SQLITE_LOCKED, and has no code for it.
    if (error instanceof StateFileError && / is in use by another mirrorlite server\b/.test(error.message)) {
      throw new Error(`${dataDir} is in use by a running mirrorlite server; ${purpose} it with --endpoint URL (${DEFAULT_ENDPOINT} unless it was started with --host or --port)`);
    }
    throw error;
  }
}

export function stateCommand(): Command {
  const state = new Command('state').description('export or import all state (every account and region) as a versioned JSON file');

  state
    .command('export')
    .description('write the state file to stdout (or --output)')
    .addOption(dataDirOption())
    .addOption(stateEndpointOption())
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (options: { dataDir?: string; output?: string }, self: Command) => {
      let text: string;
      if (options.dataDir) {
        text = await withDataDir(options.dataDir, 'export from', (persistence) => JSON.stringify(toStateFile(persistence.loadAll())));
      } else {
        text = successText(await send(serverEndpoint(self), STATE_PATH));
      }
      if (options.output) writeOutput(options.output, `${text}\n`);
      else process.stdout.write(`${text}\n`);
    });

  state
    .command('import')
    .description('replace all state with a state file')
    .argument('<file>', 'a file written by `mirrorlite state export` (- for stdin)')
    .addOption(dataDirOption())
    .addOption(stateEndpointOption())
    .action(async (file: string, options: { dataDir?: string }, self: Command) => {
      const endpoint = options.dataDir ? undefined : serverEndpoint(self);
      const text = readInput(file);
      if (!endpoint) {
        const records = fromStateFile(JSON.parse(text));
        await withDataDir(options.dataDir!, 'import into', (persistence) => persistence.replaceAll(records));
        console.error(`imported ${records.length} records into ${options.dataDir}`);
      } else {
        const answer = JSON.parse(successText(await send(endpoint, STATE_PATH, { method: 'POST', body: Buffer.from(text) }))) as { imported: number };
        console.error(`imported ${answer.imported} records into ${endpointName(endpoint)}`);
      }
    });

  return state;
}
