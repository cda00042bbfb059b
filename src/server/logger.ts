import { pino, type Logger } from 'pino';

export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** How long a log line may wait in the buffer before it is written. */
const FLUSH_INTERVAL_MS = 100;

/**
 * Structured JSON lines on stdout (pino). Lines are buffered and written in batches (one write per
 * 4 KiB or per 100 ms, whichever comes first) so a busy server does not pay a system call per
 * request; `flush()` writes at once, as start-up does after its `listening` line and shutdown does.
 */
export function createLogger(level: LogLevel = 'info'): Logger {
  const destination = pino.destination({ dest: 1, sync: true, minLength: 4096 });
  setInterval(() => flushQuietly(destination), FLUSH_INTERVAL_MS).unref();
  // Epoch milliseconds (pino's default) cost far less per line than ISO strings.
  return pino({ level, base: { name: 'mirrorlite' } }, destination);
}

function flushQuietly(destination: ReturnType<typeof pino.destination>): void {
  try {
    destination.flush();
  } catch {
    // Not ready yet (the descriptor opens asynchronously) or nothing to write: the next tick retries.
  }
}
