import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));

/** Served files: a fixed table, so no request path ever reaches the file system. */
function table(): Record<string, { file: string; contentType: string }> {
  const uplotDist = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));
  return {
    '/': { file: join(PAGE_DIR, 'index.html'), contentType: 'text/html; charset=utf-8' },
    '/assets/app.js': { file: join(PAGE_DIR, 'app.js'), contentType: 'text/javascript; charset=utf-8' },
    '/assets/style.css': { file: join(PAGE_DIR, 'style.css'), contentType: 'text/css; charset=utf-8' },
    '/assets/uPlot.iife.min.js': { file: join(uplotDist, 'uPlot.iife.min.js'), contentType: 'text/javascript; charset=utf-8' },
    '/assets/uPlot.min.css': { file: join(uplotDist, 'uPlot.min.css'), contentType: 'text/css; charset=utf-8' },
  };
}

/** Reads the page and uPlot once and keeps them in memory. */
export class Assets {
  readonly #cache = new Map<string, Promise<Asset>>();
  readonly #table = table();

  has(path: string): boolean {
    return Object.hasOwn(this.#table, path);
  }

  get(path: string): Promise<Asset> | undefined {
    const entry = this.#table[path];
    if (!entry) return undefined;
    let asset = this.#cache.get(path);
    if (!asset) {
      asset = readFile(entry.file).then((body) => ({ body, contentType: entry.contentType }));
      // A failed read is retried next time instead of being cached.
      asset.catch(() => this.#cache.delete(path));
      this.#cache.set(path, asset);
    }
    return asset;
  }
}
