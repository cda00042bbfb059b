import { seedSessions } from './seed.js';
import { ec2, freePort, median, percentile, startMirrorlite, type Row } from './support.js';

/** DescribeTrafficMirrorSessions with a filter over 100,000 sessions: latency of sequential calls. */
export async function filteredDescribe(sessions: number, calls: number): Promise<Row[]> {
  const perEni = 25_000;
  const server = await startMirrorlite(await freePort(), [
    '--quota', `sessions-per-account=${sessions}`,
    '--quota', `sessions-per-interface=${perEni}`,
    '--log-level', 'warn',
  ]);
  const seeded = Date.now();
  const { vnis } = await seedSessions(server.url, sessions, perEni, 32);
  const seedSeconds = (Date.now() - seeded) / 1000;
  const latencies: number[] = [];
  for (let i = 0; i < calls; i++) {
    const vni = vnis[(i * 7919) % vnis.length]!;
    const started = process.hrtime.bigint();
    const xml = await ec2(server.url, 'DescribeTrafficMirrorSessions', { 'Filter.1.Name': 'virtual-network-id', 'Filter.1.Value.1': vni });
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!xml.includes(`<virtualNetworkId>${vni}</virtualNetworkId>`)) throw new Error('the filtered describe missed its session');
  }
  await server.stop();
  const p50 = median(latencies);
  return [
    { section: `filtered describe, ${sessions} sessions`, measure: 'seeding through the API', value: `${(sessions / seedSeconds).toFixed(0)} creates/s` },
    { section: `filtered describe, ${sessions} sessions`, measure: 'latency p50', value: `${p50.toFixed(1)} ms`, note: `target < 50 ms: ${p50 < 50 ? 'met' : 'NOT met'}` },
    { section: `filtered describe, ${sessions} sessions`, measure: 'latency p95', value: `${percentile(latencies, 95).toFixed(1)} ms`, note: `${calls} sequential calls` },
  ];
}
