import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromStateFile, StateFileFormatError, toStateFile } from '../state/state-file.js';
import type { Store } from '../state/store.js';
import { ADMIN_PREFIX, json, type AdminRoute } from './admin-routes.js';
import type { RequestLogFields } from './http-types.js';
import type { StreamRoute } from './node-adapter.js';

/** A whole environment's state can be large; imports get their own, much higher, body limit. */
export const MAX_STATE_BYTES = 1024 * 1024 * 1024;

export const STATE_PATH = `${ADMIN_PREFIX}state`;

/** GET /_mirrorlite/state: every record of every account and region, as a state file. */
export function stateExportRoute(store: Store): AdminRoute {
  return { method: 'GET', path: STATE_PATH, handle: () => json(200, toStateFile(store.records())) };
}

/**
 * POST /_mirrorlite/state: replaces all state with a state file, atomically. `upgrade` brings what
 * an older mirrorlite exported up to date, as it does for a data directory at start.
 */
export function stateImportRoute(store: Store, upgrade: () => void): StreamRoute {
  return {
    method: 'POST',
    path: STATE_PATH,
    async handle(request: IncomingMessage, response: ServerResponse) {
      // The request line says why an import was refused (the code, as EC2 lines carry theirs).
      const answer = (status: number, body: unknown, errorCode?: string): RequestLogFields => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
        return errorCode ? { errorCode } : {};
      };
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of request as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_STATE_BYTES) return answer(413, { error: `a state file is at most ${MAX_STATE_BYTES} bytes` }, 'RequestEntityTooLarge');
        chunks.push(chunk);
      }
      let records;
      try {
        records = fromStateFile(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        const reason = error instanceof StateFileFormatError || error instanceof SyntaxError ? error.message : String(error);
        return answer(400, { error: reason }, 'InvalidStateFile');
      }
      store.replaceAll(records);
      upgrade();
      return answer(200, { imported: records.length });
    },
  };
}
