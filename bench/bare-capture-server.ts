// The replay benchmark's transport floor: a bare node:http server that receives a capture exactly
// as mirrorlite's traffic route does (the same client streams it) and writes every frame unchanged
// to a pcap file: reading and writing the capture with nothing else, no decisions, no mirroring.
// It answers the summary fields `mirrorlite replay` prints.
// With --discard it reads the body and drops it: the cost of the client and of HTTP alone.
// Usage: node bare-capture-server.js PORT DIR [--discard]
import { closeSync, openSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { CaptureReader } from '../src/dataplane/capture-reader.js';
import { PcapWriter } from '../src/dataplane/pcap-writer.js';

const port = Number(process.argv[2]);
const directory = process.argv[3]!;
const discard = process.argv[4] === '--discard';
let runs = 0;

createServer((request, response) => {
  if (request.method !== 'POST') {
    response.end('ready'); // the readiness probe
    return;
  }
  const started = process.hrtime.bigint();
  let bytesIn = 0;
  /** Answers the summary fields the replay client prints, with the body's size and the time taken. */
  const reply = (status: number, fields: { framesRead: number; outputFiles: Record<string, string> }) => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ...fields, bytesIn, mirrored: {}, notMirrored: {}, seconds }));
  };
  if (discard) {
    request.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
    request.on('end', () => reply(200, { framesRead: 0, outputFiles: {} }));
    return;
  }
  const path = join(directory, `plain-${++runs}.pcap`);
  const fd = openSync(path, 'w');
  const reader = new CaptureReader();
  const writer = new PcapWriter({ bufferSize: 4 * 1024 * 1024, sink: (chunk) => writeSync(fd, chunk) });
  const record = reader.record;
  const drain = () => {
    while (reader.next()) writer.writeRecord(record.seconds, record.microseconds, record.buffer, record.offset, record.capturedLength, record.originalLength);
  };
  request.on('data', (chunk: Buffer) => {
    bytesIn += chunk.length;
    reader.push(chunk);
    drain();
  });
  request.on('end', () => {
    reader.end();
    drain();
    writer.flush();
    closeSync(fd);
    reply(reader.state === 'done' ? 200 : 400, { framesRead: reader.recordsRead, outputFiles: { plain: path } });
  });
}).listen(port, '127.0.0.1');
