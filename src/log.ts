/**
 * JSON logs (pino), on stderr: stdout is for what a command answers (its summary, `--json`
 * output, a token). Log ids, never a name, date of birth, identifier or address: the redaction
 * list below is a second line of defence, not the first.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

const REDACT = [
  '*.name', '*.names', '*.given', '*.family', '*.full', '*.dob', '*.birthDate', '*.birthDates',
  '*.identifier', '*.identifiers', '*.value', '*.postcode', '*.address', '*.token', '*.authorization',
  'req.headers.authorization', 'variables', '*.variables',
];

let root: Logger | undefined;

export function rootLogger(level = process.env.HARBOUR_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info')): Logger {
  root ??= pino({
    level,
    base: { service: 'harbour' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, pino.destination(2));
  return root;
}
