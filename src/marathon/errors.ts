import type { HttpError, HttpErrorKind } from '../util/http.js';

/** Why a Marathon call failed; messages carry no credentials. */
export interface MarathonError {
  readonly kind: HttpErrorKind;
  readonly message: string;
  readonly status?: number;
}

export const fromHttp = (e: HttpError): MarathonError =>
  e.status === undefined ? { kind: e.kind, message: e.message } : { kind: e.kind, message: e.message, status: e.status };
