#!/usr/bin/env node
// Starts the compiled CLI (dist/, built by `npm run build` and before `npm pack`): no TypeScript
// compiler at start. In a checkout without a build, `npm start` or `npx tsx src/cli/main.ts` run the sources.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('mesos-autoscaler: dist/cli/main.js is missing; run `npm run build` first (in a checkout, `npx tsx src/cli/main.ts` runs the sources)');
  process.exit(1);
}
await import(main.href);
