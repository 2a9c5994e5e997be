import { type Logger, pino } from 'pino';
import prettyFactory from 'pino-pretty';

export type { Logger };

export interface LogOptions {
  service: string;
  level?: string;
  format?: 'auto' | 'json' | 'pretty';
  /** Where to write; stderr by default so that stdout stays free for command output. */
  destination?: NodeJS.WritableStream;
}

/** Never log credentials, wherever they hide in a logged object. */
export const REDACT_PATHS = [
  'password',
  'passwordHash',
  'token',
  'authorization',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.authorization',
  'settings.password',
  'req.headers.authorization',
];

/** The root logger of one service; modules take `log.child({ module })`. */
export function createLogger(opts: LogOptions): Logger {
  const level = opts.level ?? 'info';
  const dest = opts.destination ?? process.stderr;
  const pretty = opts.format === 'pretty' || (opts.format !== 'json' && (dest as { isTTY?: boolean }).isTTY === true);
  const options = {
    level,
    base: { service: opts.service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (pretty) {
    // pino-pretty as a synchronous stream (no worker thread) keeps lines ordered with other output.
    return pino(options, pinoPrettyStream(dest));
  }
  if (dest === process.stderr || dest === process.stdout) {
    return pino(options, pino.destination({ dest: dest === process.stderr ? 2 : 1, sync: true }));
  }
  return pino(options, dest);
}

function pinoPrettyStream(dest: NodeJS.WritableStream) {
  return prettyFactory({
    destination: dest,
    colorize: true,
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname',
    sync: true,
  });
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
