// The ceiling the benchmarks compare against: a bare node:http server answering a fixed body,
// with nothing between the socket and the bytes. Usage: node bare-server.js PORT [BODY_FILE]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const body = process.argv[3]
  ? readFileSync(process.argv[3])
  : Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<DescribeTrafficMirrorSessionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>0</requestId><trafficMirrorSessionSet/></DescribeTrafficMirrorSessionsResponse>');

createServer((request, response) => {
  // Read the request body as a real server must, then answer.
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': String(body.length) });
    response.end(body);
  });
}).listen(port, '127.0.0.1');
