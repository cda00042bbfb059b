import { freePort, median, startBare, startMirrorlite, type Row } from './support.js';

/**
 * Cold start: process spawn to the first answered request, for mirrorlite and for a bare node:http
 * server started the same way, alternating, in one run.
 */
export async function coldStart(runs: number): Promise<Row[]> {
  const mirrorlite: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [start, into] of [
      [startBare, bare],
      [startMirrorlite, mirrorlite],
    ] as const) {
      const server = await start(await freePort());
      into.push(server.startMs);
      await server.stop();
    }
  }
  const m = median(mirrorlite);
  const b = median(bare);
  return [
    { section: 'cold start', measure: 'bare node:http (median)', value: `${b.toFixed(0)} ms` },
    { section: 'cold start', measure: 'mirrorlite serve (median)', value: `${m.toFixed(0)} ms`, note: `target < 300 ms: ${m < 300 ? 'met' : 'NOT met'}` },
    { section: 'cold start', measure: 'mirrorlite / bare', value: (m / b).toFixed(2), note: `${runs} runs each, alternating` },
  ];
}
