import { ok, type Result } from '../../util/result.js';
import { importAlibaba2017BatchTask } from './alibaba2017.js';
import { importAlibaba2018BatchTask } from './alibaba2018.js';
import { importAlibaba2023OpenbPods } from './alibaba2023.js';
import { importAzure2017VmTable } from './azure2017.js';
import { readTraceCsv } from './csv.js';
import { importGoogle2011TaskEvents, type ImportResult } from './google2011.js';
import { importSwf } from './swf.js';
import type { NodeShape } from './task.js';

/** Trace file formats `simulate --format` reads (docs/traces.md describes each). */
export const TRACE_FORMATS = ['csv', 'swf', 'google2011', 'alibaba2017', 'alibaba2018', 'alibaba2023', 'azure2017'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** True for a name `--format` accepts. */
export function isTraceFormat(s: unknown): s is TraceFormat {
  return typeof s === 'string' && (TRACE_FORMATS as readonly string[]).includes(s);
}

/** Formats of files that give node shapes (`simulate --machines`). */
export const MACHINE_FORMATS = ['google2011-machines'] as const;
export type MachineFormat = (typeof MACHINE_FORMATS)[number];

/** True for a name `--machines-format` accepts. */
export function isMachineFormat(s: unknown): s is MachineFormat {
  return typeof s === 'string' && (MACHINE_FORMATS as readonly string[]).includes(s);
}

export interface ImportOptions {
  /** The node the trace runs on; normalised formats scale to it, others skip what cannot fit it. */
  readonly nodeShape: NodeShape;
  /**
   * The machine normalised sizes are fractions of (Google's and Alibaba's largest machine);
   * default `nodeShape`. Differs from it when the node template is a smaller, more common machine.
   */
  readonly reference?: NodeShape;
  /** alibaba2023 only: multiplies trace times. */
  readonly timeScale?: number;
}

/** One place that maps a format name to its importer, so the CLI and benches read traces alike. */
export function importTrace(format: TraceFormat, text: string, o: ImportOptions): Result<ImportResult, string[]> {
  const reference = o.reference ?? o.nodeShape;
  switch (format) {
    case 'csv': {
      const r = readTraceCsv(text);
      return r.ok ? ok({ tasks: r.value, skipped: [] }) : r;
    }
    case 'swf':
      return importSwf(text, { nodeShape: o.nodeShape });
    case 'google2011':
      return importGoogle2011TaskEvents(text, { nodeShape: reference });
    case 'alibaba2017':
      return importAlibaba2017BatchTask(text, { nodeShape: reference });
    case 'alibaba2018':
      return importAlibaba2018BatchTask(text, { nodeShape: reference });
    case 'alibaba2023':
      return importAlibaba2023OpenbPods(text, { nodeShape: o.nodeShape, ...(o.timeScale === undefined ? {} : { timeScale: o.timeScale }) });
    case 'azure2017':
      return importAzure2017VmTable(text, { nodeShape: o.nodeShape });
  }
}
