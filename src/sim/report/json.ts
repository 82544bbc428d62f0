import { writeFile } from 'node:fs/promises';
import { err, errorMessage, ok, type Result } from '../../util/result.js';
import { FIGURE_DEFINITIONS } from './definitions.js';
import type { SimulationReport } from './report.js';

/**
 * Reports as JSON, with what the less obvious figures mean (`definitions`);
 * NaN (no observation) and infinities become null.
 */
export function reportsToJson(reports: readonly SimulationReport[]): string {
  return `${JSON.stringify({ reports, definitions: FIGURE_DEFINITIONS }, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}

export async function writeReportsJson(path: string, reports: readonly SimulationReport[]): Promise<Result<void, string>> {
  try {
    await writeFile(path, reportsToJson(reports), 'utf8');
    return ok(undefined);
  } catch (e) {
    return err(`cannot write report to ${path}: ${errorMessage(e)}`);
  }
}
