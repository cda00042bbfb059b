import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** How long a log line may wait in the batch before it is written. */
const FLUSH_INTERVAL_MS = 100;
/** A batch is written once it holds this many characters. */
const BATCH_CHARS = 16384;

/**
 * Structured JSON lines on stdout (pino). Lines are batched and written together (one write per
 * 16 KiB or per 100 ms, whichever comes first) so a busy server does not pay a system call per
 * request; `flush()` writes at once, as start-up does after its `listening` line and shutdown does.
 */
export function createLogger(level: LogLevel = 'info'): Logger {
  const destination = new LineBatch(pino.destination({ dest: 1, sync: true }));
  setInterval(() => destination.flush(), FLUSH_INTERVAL_MS).unref();
  flushOnExit(destination);
  // Epoch milliseconds (pino's default) cost far less per line than ISO strings.
  return pino({ level, base: { name: 'mirrorlite' } }, destination);
}

type SonicBoom = ReturnType<typeof pino.destination>;

const unflushedAtExit = new Set<LineBatch>();

/** A process that exits (a crash included) writes its last lines first; one listener for all loggers. */
function flushOnExit(batch: LineBatch): void {
  if (unflushedAtExit.size === 0) process.once('exit', () => unflushedAtExit.forEach((each) => each.flush()));
  unflushedAtExit.add(batch);
}

/**
 * Collects lines and hands them to sonic-boom (which owns the descriptor: partial writes, EAGAIN,
 * EPIPE) as one string per batch. Why not sonic-boom's own `minLength`: it appends each line to its
 * pending string and measures that string's UTF-8 length on every write, which flattens it: a cost
 * that grows with the batch and, at a request line per call, took about a tenth of a Describe's
 * throughput (npm run bench -- describe). Here a line costs an array push.
 */
class LineBatch implements DestinationStream {
  private lines: string[] = [];
  private chars = 0;

  constructor(private readonly sonic: SonicBoom) {}

  write(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= BATCH_CHARS) this.flush();
  }

  /** Writes the batch now; `done` (pino's `logger.flush(cb)`) is called once it is written. */
  flush(done?: () => void): void {
    if (this.chars > 0) {
      const text = this.lines.join('');
      this.lines = [];
      this.chars = 0;
      try {
        this.sonic.write(text);
      } catch {
        // stdout is gone (closed by the parent): logging must never stop the server.
      }
    }
    done?.();
  }
}
