// npm run bench [-- section ...]: every benchmark compares side by side, in one run, as ratios.
// Sections: cold-start, describe, moto, filtered, replay. Default: all.
import { coldStart } from './cold-start.js';
import { describeThroughput } from './describe-throughput.js';
import { filteredDescribe } from './filtered-describe.js';
import { hasMoto, versusMoto } from './moto.js';
import { replayBenchmark } from './replay.js';
import { printTable, type Row } from './support.js';

const SECTIONS: Record<string, () => Promise<Row[]>> = {
  'cold-start': () => coldStart(10),
  describe: () => describeThroughput(3, 5),
  moto: async () => (hasMoto() ? versusMoto(5) : [{ section: 'vs moto', measure: 'skipped', value: '-', note: 'moto_server is not installed' }]),
  filtered: () => filteredDescribe(100_000, 50),
  replay: () => replayBenchmark(1_000_000, 5),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !SECTIONS[name]);
if (unknown.length) {
  console.error(`unknown sections ${unknown.join(', ')}; choose from ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
const rows: Row[] = [];
for (const name of wanted.length ? wanted : Object.keys(SECTIONS)) {
  process.stderr.write(`running ${name}…\n`);
  const section = await SECTIONS[name]!();
  printTable(section);
  console.log('');
  rows.push(...section);
}
