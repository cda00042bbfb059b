import { pino, type Logger } from 'pino';

export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Structured JSON lines on stdout (pino). Writes are asynchronous so a busy server never waits on
 * its terminal; `flush` runs on shutdown.
 */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino(
    { level, base: { name: 'mirrorlite' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: false, minLength: 0 }),
  );
}
