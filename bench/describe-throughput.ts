import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from './load.js';
import { seedSessions } from './seed.js';
import { ec2, freePort, median, startBare, startMirrorlite, type Row } from './support.js';

const DESCRIBE = 'Action=DescribeTrafficMirrorSessions&Version=2016-11-15';

/**
 * DescribeTrafficMirrorSessions with 25 sessions, 8 connections: mirrorlite in memory and with
 * --data-dir, against a bare node:http server answering the very same bytes, interleaved, in one run.
 */
export async function describeThroughput(seconds: number, rounds: number): Promise<Row[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mirrorlite-bench-'));
  const servers = {
    memory: await startMirrorlite(await freePort()),
    dataDir: await startMirrorlite(await freePort(), ['--data-dir', dataDir]),
  };
  for (const server of Object.values(servers)) await seedSessions(server.url, 25, 3);
  const body = await ec2(servers.memory.url, 'DescribeTrafficMirrorSessions');
  const bodyFile = join(dataDir, 'describe-response.xml');
  writeFileSync(bodyFile, body);
  const bare = await startBare(await freePort(), bodyFile);

  // These machines drift from one minute to the next: each round measures all three back to back,
  // and the ratios are the medians of the rounds' own ratios.
  const totals = { bare: 0, memory: 0, dataDir: 0 };
  const memoryRatios: number[] = [];
  const persistenceRatios: number[] = [];
  let failures = 0;
  for (let round = 0; round < rounds; round++) {
    const rates = { bare: 0, memory: 0, dataDir: 0 };
    for (const [name, url] of [
      ['bare', bare.url],
      ['memory', servers.memory.url],
      ['dataDir', servers.dataDir.url],
    ] as const) {
      const result = await load(url, DESCRIBE, 8, seconds);
      rates[name] = result.requestsPerSecond;
      totals[name] += result.requestsPerSecond / rounds;
      failures += result.non2xx + result.errors;
    }
    memoryRatios.push(rates.memory / rates.bare);
    persistenceRatios.push(rates.memory / rates.dataDir);
  }
  await Promise.all([bare.stop(), servers.memory.stop(), servers.dataDir.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
  const ratio = median(memoryRatios);
  const persistence = median(persistenceRatios);
  return [
    { section: 'describe 25 sessions', measure: 'bare node:http, same bytes', value: `${totals.bare.toFixed(0)} req/s` },
    { section: 'describe 25 sessions', measure: 'mirrorlite in memory', value: `${totals.memory.toFixed(0)} req/s` },
    { section: 'describe 25 sessions', measure: 'mirrorlite --data-dir', value: `${totals.dataDir.toFixed(0)} req/s` },
    { section: 'describe 25 sessions', measure: 'mirrorlite / bare', value: ratio.toFixed(2), note: `target >= 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'}` },
    {
      section: 'describe 25 sessions',
      measure: 'in memory / --data-dir',
      value: persistence.toFixed(2),
      note: `target <= 2: ${persistence <= 2 ? 'met' : 'NOT met'}; medians of ${rounds} rounds x ${seconds} s, 8 connections; ${failures} failed requests`,
    },
  ];
}
