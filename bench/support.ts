import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/server/package-files.js';

/** The bundled command, exactly what `npm start` and the `mirrorlite` bin run. */
export const CLI = join(PACKAGE_ROOT, 'dist', 'mirrorlite.mjs');
export const BARE_SERVER = join(PACKAGE_ROOT, 'dist', 'bench', 'bare-server.js');
export const BARE_CAPTURE_SERVER = join(PACKAGE_ROOT, 'dist', 'bench', 'bare-capture-server.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Process {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Starts a server process on `port` and resolves once it answers HTTP (any status). */
export async function startProcess(command: string, args: string[], port: number, env: NodeJS.ProcessEnv = {}): Promise<Process & { startMs: number }> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited: ${stderr}`);
    if (await answers(port)) break;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const startMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    child,
    url,
    startMs,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Whether something answers a GET on the port (the first answered request). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/?Action=DescribeTrafficMirrorSessions&Version=2016-11-15', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(true));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

export function startMirrorlite(port: number, args: string[] = []) {
  return startProcess(process.execPath, [CLI, 'serve', '--port', String(port), '--log-level', 'info', ...args], port);
}

export function startBare(port: number, bodyFile?: string) {
  return startProcess(process.execPath, [BARE_SERVER, String(port), ...(bodyFile ? [bodyFile] : [])], port);
}

/** A raw EC2 Query call, signed just enough for servers that read the credential scope (moto). */
export async function ec2(url: string, action: string, params: Record<string, string | number> = {}, account = 'AKIDEXAMPLE'): Promise<string> {
  const body = new URLSearchParams({ Action: action, Version: '2016-11-15', ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: `AWS4-HMAC-SHA256 Credential=${account}/20250101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${action} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

export const field = (xml: string, name: string): string => {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (!match) throw new Error(`no <${name}> in ${xml.slice(0, 200)}`);
  return match[1]!;
};

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `work` with at most `concurrency` promises in flight. */
export async function inParallel<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

export interface Row {
  section: string;
  measure: string;
  value: string;
  note?: string;
}

export function printTable(rows: Row[]): void {
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => [row.section, row.measure, row.value][i]!.length)));
  for (const row of rows) {
    console.log(`${row.section.padEnd(widths[0]!)}  ${row.measure.padEnd(widths[1]!)}  ${row.value.padStart(widths[2]!)}${row.note ? `  ${row.note}` : ''}`);
  }
}
