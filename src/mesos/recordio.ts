/**
 * RecordIO framing of the v1 streaming API: each record is `<length>\n<bytes>` where the
 * length counts bytes (not characters). Records may be split across chunks in any place.
 */

export class RecordIoError extends Error {
  override readonly name = 'RecordIoError';
}

const NEWLINE = 0x0a;
/** Longest length prefix we accept: 20 digits covers any uint64. */
const MAX_PREFIX = 20;

export async function* readRecordIo(chunks: AsyncIterable<Uint8Array>, maxRecordBytes = 64 * 1024 * 1024): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let buf: Uint8Array = new Uint8Array(0);
  let need: number | undefined;
  for await (const chunk of chunks) {
    buf = concat(buf, chunk);
    for (;;) {
      if (need === undefined) {
        const nl = buf.indexOf(NEWLINE);
        if (nl < 0) {
          if (buf.length > MAX_PREFIX) throw new RecordIoError('RecordIO length prefix too long');
          break;
        }
        const text = new TextDecoder().decode(buf.subarray(0, nl)).trim();
        if (!/^\d+$/.test(text)) throw new RecordIoError(`bad RecordIO length prefix ${JSON.stringify(text.slice(0, 20))}`);
        need = Number(text);
        if (need > maxRecordBytes) throw new RecordIoError(`RecordIO record of ${need} bytes exceeds ${maxRecordBytes}`);
        buf = buf.subarray(nl + 1);
      }
      if (buf.length < need) break;
      const record = buf.subarray(0, need);
      buf = buf.subarray(need);
      need = undefined;
      yield decoder.decode(record);
    }
  }
  if (need !== undefined || buf.length > 0) throw new RecordIoError('stream ended inside a RecordIO record');
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Frames one record, for tests and the emulated master. */
export function encodeRecord(json: string): string {
  return `${Buffer.byteLength(json, 'utf8')}\n${json}`;
}
