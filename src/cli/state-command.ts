import { Command, Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { fromStateFile, toStateFile } from '../state/state-file.js';
import { STATE_PATH } from '../server/state-routes.js';
import { DEFAULT_ENDPOINT, unreachableServer } from './replay-command.js';

/**
 * `mirrorlite state export|import`: move a whole environment between machines. With --data-dir
 * the database is read or written directly (the server must be stopped: it holds the data dir's
 * lock); otherwise a running server is asked over HTTP.
 */

/** Loaded on use, so that `mirrorlite serve` without a data dir never loads SQLite. */
const sqlite = () => import('../state/sqlite-persistence.js');

const endpointOption = () =>
  new Option('--endpoint <url>', 'a running mirrorlite server (when no --data-dir is given)').env('MIRRORLITE_ENDPOINT').default(DEFAULT_ENDPOINT);
const dataDirOption = () => new Option('--data-dir <dir>', "a stopped server's data dir, read or written directly").env('MIRRORLITE_DATA_DIR');

/** The body of a running server's answer; its error, or that nothing answers, as an Error. */
async function askServer(url: URL, init?: RequestInit): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    // fetch says only "fetch failed"; why is in its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(cause?.code === 'ECONNREFUSED' ? unreachableServer(url) : `${url.origin}: ${cause?.message ?? (error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`the server answered ${response.status}: ${text}`);
  return text;
}

export function stateCommand(): Command {
  const state = new Command('state').description('export or import all state (every account and region) as a versioned JSON file');

  state
    .command('export')
    .description('write the state file to stdout (or --output)')
    .addOption(dataDirOption())
    .addOption(endpointOption())
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (options: { dataDir?: string; endpoint: string; output?: string }) => {
      let text: string;
      if (options.dataDir) {
        const persistence = (await sqlite()).openSqlitePersistence(options.dataDir, { readOnly: true });
        try {
          text = JSON.stringify(toStateFile(persistence.loadAll()));
        } finally {
          persistence.close();
        }
      } else {
        text = await askServer(new URL(STATE_PATH, options.endpoint));
      }
      if (options.output) writeFileSync(options.output, `${text}\n`);
      else process.stdout.write(`${text}\n`);
    });

  state
    .command('import')
    .description('replace all state with a state file')
    .argument('<file>', 'a file written by `mirrorlite state export` (- for stdin)')
    .addOption(dataDirOption())
    .addOption(endpointOption())
    .action(async (file: string, options: { dataDir?: string; endpoint: string }) => {
      const text = readFileSync(file === '-' ? 0 : file, 'utf8');
      if (options.dataDir) {
        const records = fromStateFile(JSON.parse(text));
        const persistence = (await sqlite()).openSqlitePersistence(options.dataDir);
        try {
          persistence.replaceAll(records);
        } finally {
          persistence.close();
        }
        console.error(`imported ${records.length} records into ${options.dataDir}`);
      } else {
        const answer = JSON.parse(await askServer(new URL(STATE_PATH, options.endpoint), { method: 'POST', body: text })) as { imported: number };
        console.error(`imported ${answer.imported} records into ${options.endpoint}`);
      }
    });

  return state;
}
