import pino, { Logger } from 'pino';

/** A connection URL fit for a log line: its password, if any, masked. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'coalition' }, timestamp: pino.stdTimeFunctions.isoTime });
}
