// Build helpers for `npm run build`: tsc compiles src/ to dist/, but does not copy the status page
// (plain HTML, CSS and browser JavaScript) or remove files of sources that no longer exist.
import { cpSync, rmSync } from 'node:fs';

const step = process.argv[2];
const root = new URL('../', import.meta.url);
if (step === 'clean') {
  rmSync(new URL('dist/', root), { recursive: true, force: true });
} else if (step === 'assets') {
  cpSync(new URL('src/server/page/', root), new URL('dist/server/page/', root), { recursive: true });
} else {
  console.error(`usage: node scripts/dist.mjs clean|assets (got ${step ?? 'nothing'})`);
  process.exit(2);
}
