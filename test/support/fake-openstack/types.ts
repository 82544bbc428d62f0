/** The project every fake token is scoped to; Heat's endpoint carries it. */
export const PROJECT_ID = '4f2c7d7a1c0e4b4b9a5c3a6e2d1b0f99';

/** Who Keystone accepts: a user with a password in a project, and/or an application credential. */
export interface FakeKeystoneUsers {
  readonly user?: { readonly name: string; readonly password: string; readonly project: string; readonly domain?: string };
  readonly applicationCredential?: { readonly id: string; readonly secret: string };
}

/** One answer of the fake, serialized as JSON. */
export interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}
