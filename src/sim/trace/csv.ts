import { z } from 'zod';
import { err, ok, type Result } from '../../util/result.js';
import { formatConstraints, parseConstraints } from './constraints.js';
import { csvField, formatRowError, readCsvRows, type RowError } from './csv-rows.js';
import { isLongRunning, TASK_KINDS, type TraceTask } from './task.js';

/** Columns of the trace CSV format, in order (docs/traces.md). `app` is optional. */
export const TRACE_COLUMNS = ['submit_s', 'duration_s', 'instances', 'cpus', 'mem', 'disk', 'gpus', 'constraints', 'kind', 'app'] as const;
const REQUIRED_COLUMNS = TRACE_COLUMNS.length - 1;

const numberText = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: 'is empty' })
    .refine((s) => Number.isFinite(Number(s)), { error: (iss) => `expected ${what}, got "${String(iss.input)}"` })
    .transform(Number);

const nonNegative = numberText('a number').pipe(z.number().nonnegative({ error: 'must be >= 0' }));

const rowSchema = z.object({
  submit_s: nonNegative,
  duration_s: z
    .string()
    .trim()
    .transform((s, ctx) => {
      // Empty or "inf": a service that runs until the trace ends.
      if (s === '' || /^(inf|infinity)$/i.test(s)) return undefined;
      const n = Number(s);
      if (!Number.isFinite(n) || n < 0) {
        ctx.addIssue({ code: 'custom', message: `expected seconds >= 0, "inf" or empty, got "${s}"` });
        return z.NEVER;
      }
      return n;
    }),
  instances: numberText('an integer').pipe(z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be >= 1' })),
  cpus: nonNegative,
  mem: nonNegative,
  disk: nonNegative,
  gpus: nonNegative,
  constraints: z.string().transform((s, ctx) => {
    const parsed = parseConstraints(s);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }),
  kind: z.enum(TASK_KINDS, { error: (iss) => `expected service or batch, got "${String(iss.input)}"` }),
  app: z.string().optional(),
});

export interface TraceCsvOptions {
  /** Prefix of generated task ids (`<prefix><row number>`); default `task-`. */
  readonly idPrefix?: string;
}

/**
 * Reads the trace CSV format. Every row is checked; all problems are returned together,
 * each as `line N column X: message` (N is the line the record ends on, 1-based).
 */
export function readTraceCsv(text: string, options: TraceCsvOptions = {}): Result<TraceTask[], string[]> {
  const rows = readCsvRows(text);
  if (!rows.ok) return err([rows.error]);
  const [header, ...data] = rows.value;
  if (header === undefined) return err(['line 1: missing header']);
  const headerProblem = checkHeader(header.fields);
  if (headerProblem !== undefined) return err([formatRowError({ line: header.line, message: headerProblem })]);
  const hasApp = header.fields.length === TRACE_COLUMNS.length;

  const prefix = options.idPrefix ?? 'task-';
  const tasks: TraceTask[] = [];
  const errors: RowError[] = [];
  data.forEach((row, i) => {
    const expected = hasApp ? TRACE_COLUMNS.length : REQUIRED_COLUMNS;
    if (row.fields.length !== expected) {
      errors.push({ line: row.line, message: `expected ${expected} fields, got ${row.fields.length}` });
      return;
    }
    const input: Record<string, string> = {};
    row.fields.forEach((f, c) => {
      const name = TRACE_COLUMNS[c];
      if (name !== undefined) input[name] = f;
    });
    if (input.app === '') delete input.app;
    const parsed = rowSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = issue.path[0];
        errors.push({ line: row.line, column: typeof column === 'string' ? column : undefined, message: issue.message });
      }
      return;
    }
    const v = parsed.data;
    tasks.push({
      id: `${prefix}${i + 1}`,
      submitAt: Math.round(v.submit_s * 1000),
      durationMs: v.duration_s === undefined ? undefined : Math.round(v.duration_s * 1000),
      instances: v.instances,
      cpus: v.cpus,
      mem: v.mem,
      disk: v.disk,
      gpus: v.gpus,
      constraints: v.constraints,
      kind: v.kind,
      ...(v.app === undefined ? {} : { app: v.app }),
    });
  });
  return errors.length > 0 ? err(errors.map(formatRowError)) : ok(tasks);
}

function checkHeader(fields: readonly string[]): string | undefined {
  const names = fields.map((f) => f.trim().toLowerCase());
  const wanted = names.length === TRACE_COLUMNS.length ? TRACE_COLUMNS : TRACE_COLUMNS.slice(0, REQUIRED_COLUMNS);
  if (names.length !== wanted.length || names.some((n, i) => n !== wanted[i])) {
    return `header must be "${TRACE_COLUMNS.slice(0, REQUIRED_COLUMNS).join(',')}[,app]", got "${fields.join(',')}"`;
  }
  return undefined;
}

/** Shortest text that reads back as the same number. */
function num(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/** Writes tasks in the trace CSV format (with the `app` column); ids are not kept. */
export function writeTraceCsv(tasks: readonly TraceTask[]): string {
  const lines = [TRACE_COLUMNS.join(',')];
  for (const t of tasks) {
    lines.push(
      [
        num(t.submitAt / 1000),
        isLongRunning(t) || t.durationMs === undefined ? 'inf' : num(t.durationMs / 1000),
        String(t.instances),
        num(t.cpus),
        num(t.mem),
        num(t.disk),
        num(t.gpus),
        csvField(formatConstraints(t.constraints)),
        t.kind,
        csvField(t.app ?? ''),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
