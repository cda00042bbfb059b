import { spawnSync } from 'node:child_process';
import { loadWithoutKeepAlive } from './load.js';
import { seedFilters } from './seed.js';
import { freePort, startMirrorlite, startProcess, type Row } from './support.js';

export function hasMoto(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

/**
 * mirrorlite against moto (the peer users would otherwise pick) on the operations moto serves:
 * CreateTrafficMirrorFilter, and DescribeTrafficMirrorFilters with 25 filters. Same load, one run.
 * moto's development server closes every connection, so both are driven by the same client that
 * opens a new connection per request (a keep-alive load generator would time itself out on moto).
 */
export async function versusMoto(seconds: number): Promise<Row[]> {
  const rows: Row[] = [];
  const cases = [
    { name: 'CreateTrafficMirrorFilter', body: 'Action=CreateTrafficMirrorFilter&Version=2016-11-15&Description=bench', seed: 0 },
    { name: 'DescribeTrafficMirrorFilters (25)', body: 'Action=DescribeTrafficMirrorFilters&Version=2016-11-15', seed: 25 },
  ];
  for (const { name, body, seed } of cases) {
    const motoPort = await freePort();
    const motoServer = await startProcess('moto_server', ['-p', String(motoPort)], motoPort);
    const mirrorlite = await startMirrorlite(await freePort(), ['--quota', 'filters-per-account=100000000']);
    await seedFilters(motoServer.url, seed);
    await seedFilters(mirrorlite.url, seed);
    const motoResult = await loadWithoutKeepAlive(motoServer.url, body, 8, seconds);
    const ours = await loadWithoutKeepAlive(mirrorlite.url, body, 8, seconds);
    await Promise.all([motoServer.stop(), mirrorlite.stop()]);
    rows.push(
      { section: `vs moto: ${name}`, measure: 'moto_server', value: `${motoResult.requestsPerSecond.toFixed(0)} req/s`, note: `${motoResult.non2xx + motoResult.errors} failed, new connection per request` },
      { section: `vs moto: ${name}`, measure: 'mirrorlite', value: `${ours.requestsPerSecond.toFixed(0)} req/s`, note: `${ours.non2xx + ours.errors} failed` },
      { section: `vs moto: ${name}`, measure: 'mirrorlite / moto', value: (ours.requestsPerSecond / motoResult.requestsPerSecond).toFixed(1) },
    );
  }
  return rows;
}
