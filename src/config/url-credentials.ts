import type { z } from 'zod';
import { Secret } from '../util/secret.js';
import { splitCredentials } from '../util/url.js';

/** What a Mesos or Marathon section holds about where and as whom to connect. */
interface Endpoints {
  readonly username?: string | undefined;
  readonly password?: Secret | undefined;
}

/**
 * Takes `user:pass@` out of the given URLs and makes it the section's basic-auth
 * username and password, so a URL never carries (or prints) a credential and the
 * credential is really sent. Credentials that disagree with each other, or with
 * `username`/`password` set beside them, are a config error naming the URL's field.
 */
export function liftUrlCredentials<T extends Endpoints>(
  section: T,
  urls: readonly { readonly path: readonly (string | number)[]; readonly url: string }[],
  ctx: z.RefinementCtx,
): { section: T; urls: string[] } {
  let username = section.username;
  let password = section.password?.reveal();
  const out: string[] = [];
  for (const { path, url } of urls) {
    const split = splitCredentials(url);
    out.push(split.url);
    if (split.username === undefined && split.password === undefined) continue;
    if (username !== undefined && split.username !== undefined && username !== split.username) {
      ctx.addIssue({ code: 'custom', path: [...path], message: 'the user in this URL differs from the username given elsewhere; give it once' });
      continue;
    }
    if (password !== undefined && split.password !== undefined && password !== split.password) {
      ctx.addIssue({ code: 'custom', path: [...path], message: 'the password in this URL differs from the password given elsewhere; give it once' });
      continue;
    }
    username ??= split.username;
    password ??= split.password;
  }
  const lifted: T = {
    ...section,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password: section.password?.reveal() === password ? section.password : new Secret(password) } : {}),
  };
  return { section: lifted, urls: out };
}
