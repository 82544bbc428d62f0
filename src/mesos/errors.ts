import type { z } from 'zod';
import { describeIssues, type HttpError, type HttpErrorKind } from '../util/http.js';

/** Why a Mesos call failed. `no-leader`: no master answered; `unsupported`: the master lacks this API. */
export interface MesosError {
  readonly kind: HttpErrorKind | 'no-leader' | 'unsupported';
  readonly message: string;
  readonly status?: number;
}

export const fromHttp = (e: HttpError): MesosError =>
  e.status === undefined ? { kind: e.kind, message: e.message } : { kind: e.kind, message: e.message, status: e.status };

export const malformed = (what: string, error: z.ZodError): MesosError => ({
  kind: 'malformed',
  message: `${what}: unexpected shape: ${describeIssues(error)}`,
});
