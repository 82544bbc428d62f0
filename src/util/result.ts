/** Errors as values: adapters return these instead of throwing from deep inside. */
export type Result<T, E = Error> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
