import { parse } from 'csv-parse/sync';
import { err, errorMessage, ok, type Result } from '../../util/result.js';

/** One CSV record with the (1-based) line it ends on, for error messages. */
export interface CsvRow {
  readonly fields: readonly string[];
  readonly line: number;
}

interface RawInfoRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

function isInfoRecord(x: unknown): x is RawInfoRecord {
  if (typeof x !== 'object' || x === null || !('record' in x) || !('info' in x)) return false;
  const { record, info } = x;
  return Array.isArray(record) && typeof info === 'object' && info !== null && 'lines' in info && typeof info.lines === 'number';
}

/**
 * Splits CSV text into records, keeping line numbers. Empty lines and `#` comment
 * lines are skipped; rows may have differing field counts (callers check).
 */
export function readCsvRows(text: string): Result<CsvRow[], string> {
  let raw: unknown[];
  try {
    raw = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      comment: '#',
      comment_no_infix: true,
      trim: true,
    });
  } catch (e) {
    const line = typeof e === 'object' && e !== null && 'lines' in e && typeof e.lines === 'number' ? e.lines : undefined;
    return err(line === undefined ? errorMessage(e) : `line ${line}: ${errorMessage(e)}`);
  }
  const rows: CsvRow[] = [];
  for (const r of raw) {
    if (!isInfoRecord(r)) return err('unexpected CSV parser output');
    rows.push({ fields: r.record, line: r.info.lines });
  }
  return ok(rows);
}

/** A row-level problem, rendered as `line N column X: message`. */
export interface RowError {
  readonly line: number;
  readonly column?: string;
  readonly message: string;
}

export function formatRowError(e: RowError): string {
  return e.column === undefined ? `line ${e.line}: ${e.message}` : `line ${e.line} column ${e.column}: ${e.message}`;
}

/** Quotes a CSV field only when it needs it. */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
