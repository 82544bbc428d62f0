import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  asksForNothing,
  commonNodeShape,
  generateTrace,
  importGoogle2011MachineEvents,
  importTrace,
  misfit,
  type MachineFormat,
  type NodeShape,
  type TraceFormat,
  type TraceTask,
} from '../sim/trace/index.js';
import { traceEnd } from '../sim/replay/index.js';
import { err, errorMessage, ok, type Result } from '../util/result.js';

/** A trace ready to replay, with what was left out of it and why. */
export interface LoadedTrace {
  readonly name: string;
  readonly tasks: readonly TraceTask[];
  /** End of the run, ms from trace start. */
  readonly endMs: number;
  /** Nodes a generated trace was sized for. */
  readonly targetNodes?: number;
  /** Rows or tasks left out, each with why. */
  readonly skipped: readonly string[];
}

export interface TraceSpec {
  /** A file, or `generate:<seed>:<days>:<nodes>:<tasks>`. */
  readonly trace: string;
  readonly format: TraceFormat;
  /** The node the trace runs on. */
  readonly node: NodeShape;
  /** The machine normalised sizes are fractions of; default `node`. */
  readonly reference?: NodeShape;
  readonly timeScale?: number;
}

const DAY = 86_400_000;
const SHOWN = 5;

async function read(path: string, what: string): Promise<Result<string, string>> {
  try {
    return ok(await readFile(path, 'utf8'));
  } catch (e) {
    return err(`cannot read ${what} ${path}: ${errorMessage(e)}`);
  }
}

function listed(head: string, lines: readonly string[], max = 20): string {
  return `${head}\n${lines.slice(0, max).map((e) => `  ${e}`).join('\n')}${lines.length > max ? `\n  ... and ${lines.length - max} more` : ''}`;
}

/** Reads or generates the trace named on the command line; a trace with nothing to replay is an error that says why. */
export async function loadTrace(spec: TraceSpec): Promise<Result<LoadedTrace, string>> {
  if (spec.trace.startsWith('generate:')) {
    const parts = spec.trace.split(':').slice(1).map(Number);
    const [seed, days, nodes, tasks] = parts;
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || seed === undefined || days === undefined || nodes === undefined || tasks === undefined || days <= 0 || nodes <= 0 || tasks <= 0) {
      return err(`--trace ${spec.trace}: expected generate:<seed>:<days>:<nodes>:<tasks> with positive numbers`);
    }
    const generated = generateTrace({ seed, days, targetNodes: nodes, nodeShape: { cpus: spec.node.cpus, mem: spec.node.mem }, tasks });
    return ok({ name: spec.trace, tasks: generated, endMs: days * DAY, targetNodes: nodes, skipped: [] });
  }
  const text = await read(spec.trace, 'trace');
  if (!text.ok) return text;
  const parsed = importTrace(spec.format, text.value, { nodeShape: spec.node, ...(spec.reference ? { reference: spec.reference } : {}), ...(spec.timeScale === undefined ? {} : { timeScale: spec.timeScale }) });
  if (!parsed.ok) return err(listed(`trace ${spec.trace} (format ${spec.format}):`, parsed.error));
  // Every format is held to the same rule: a task that asks for nothing, or that no node could ever hold, is not replayed.
  const skipped = [...parsed.value.skipped];
  const tasks: TraceTask[] = [];
  for (const t of parsed.value.tasks) {
    const why = asksForNothing(t) ? 'asks for no resources' : misfit(t, spec.node);
    if (why === undefined) tasks.push(t);
    else skipped.push(`task ${t.id} ${why}`);
  }
  if (tasks.length === 0) {
    const rows = parsed.value.tasks.length + parsed.value.skipped.length;
    const why = rows === 0 ? `no data rows (is it a ${spec.format} file? see docs/traces.md)` : `none of its ${skipped.length} rows or tasks is usable`;
    return err(skipped.length === 0 ? `trace ${spec.trace} (format ${spec.format}): ${why}` : listed(`trace ${spec.trace} (format ${spec.format}): ${why}; the first of them:`, skipped, SHOWN));
  }
  return ok({ name: basename(spec.trace), tasks, endMs: traceEnd(tasks), skipped });
}

/** The node template of the most common machine of a machine-events file (see commonNodeShape). */
export async function nodeShapeFrom(path: string, format: MachineFormat, largest: NodeShape): Promise<Result<{ node: NodeShape; note: string }, string>> {
  const text = await read(path, 'machines file');
  if (!text.ok) return text;
  // The only machine format so far; the switch keeps the next one a one-line change.
  switch (format) {
    case 'google2011-machines': {
      const shapes = importGoogle2011MachineEvents(text.value);
      if (!shapes.ok) return err(listed(`machines ${path} (format ${format}):`, shapes.error));
      const top = shapes.value.shapes[0];
      const node = commonNodeShape(shapes.value, largest);
      const share = top === undefined ? 0 : (100 * top.machines) / shapes.value.machines;
      return ok({ node, note: `node shape ${node.cpus} cpus / ${node.mem} MB: ${top?.cpu ?? 1} cpu / ${top?.mem ?? 1} mem of the largest machine, ${share.toFixed(1)} % of ${shapes.value.machines} machines` });
    }
  }
}
