import { err, errorMessage, ok, type Result } from '../../util/result.js';
import type { MesosError } from '../errors.js';
import { parseEvent, type MesosEvent } from '../events.js';
import { StateJsonReader } from './read-state.js';

const NEWLINE = 0x0a;
/** Longest length prefix we accept: 20 digits covers any uint64. */
const MAX_PREFIX = 20;

export interface EventRecordOptions {
  /** Largest record read whole (then `JSON.parse`d); larger ones are refused, except the first. */
  readonly maxRecordBytes: number;
  /**
   * A first record larger than this is the SUBSCRIBED event of a large cluster: it is stream-parsed
   * (read-state.ts) rather than held as one string, which past ~512 MB V8 cannot build at all.
   * Default `maxRecordBytes`: smaller records are parsed whole, which costs less cpu.
   */
  readonly streamAboveBytes?: number;
}

const malformed = (message: string): MesosError => ({ kind: 'malformed', message });

/**
 * SUBSCRIBE's RecordIO stream (`<length>\n<bytes>`, lengths in bytes: master.proto, "RecordIO"
 * in docs/recordio.md of apache/mesos) as typed events, read from raw chunks. Every record but a
 * large first one is read whole; the first (SUBSCRIBED, the whole state) is fed chunk by chunk to a
 * streaming parser when it is large. Problems are error values; the generator stops after one.
 */
export async function* readEventRecords(chunks: AsyncIterable<Uint8Array>, opts: EventRecordOptions): AsyncGenerator<Result<MesosEvent, MesosError>> {
  const streamAbove = opts.streamAboveBytes ?? opts.maxRecordBytes;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let prefix: Buffer = Buffer.alloc(0);
  let need: number | undefined;
  let parts: Buffer[] = [];
  let have = 0;
  let streaming: StateJsonReader | undefined;
  let first = true;
  for await (const raw of chunks) {
    let chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    while (chunk.length > 0) {
      if (need === undefined) {
        const nl = chunk.indexOf(NEWLINE);
        const head = Buffer.concat([prefix, nl < 0 ? chunk : chunk.subarray(0, nl)]);
        if (nl < 0) {
          if (head.length > MAX_PREFIX) return yield err(malformed('SUBSCRIBE stream: RecordIO length prefix too long'));
          prefix = head;
          break;
        }
        prefix = Buffer.alloc(0);
        chunk = chunk.subarray(nl + 1);
        const text = head.toString('latin1').trim();
        if (!/^\d+$/.test(text)) return yield err(malformed(`SUBSCRIBE stream: bad RecordIO length prefix ${JSON.stringify(text.slice(0, 20))}`));
        need = Number(text);
        if (first && need > streamAbove) streaming = new StateJsonReader('SUBSCRIBED');
        else if (need > opts.maxRecordBytes) return yield err(malformed(`SUBSCRIBE stream: RecordIO record of ${need} bytes exceeds ${opts.maxRecordBytes}`));
        first = false;
      }
      const take = Math.min(need - have, chunk.length);
      const piece = chunk.subarray(0, take);
      chunk = chunk.subarray(take);
      have += take;
      if (streaming) {
        if (!streaming.write(piece)) {
          const read = streaming.end();
          return yield read.ok ? err(malformed('SUBSCRIBED: unreadable')) : err(read.error);
        }
      } else {
        parts.push(piece);
      }
      if (have < need) continue;
      if (streaming) {
        const read = streaming.end();
        streaming = undefined;
        if (!read.ok) return yield read;
        const hb = read.value.heartbeatIntervalSeconds;
        yield ok({ type: 'SUBSCRIBED', state: read.value.state, ...(hb !== undefined ? { heartbeatIntervalSeconds: hb } : {}) });
      } else {
        const event = parseRecord(decoder, Buffer.concat(parts));
        if (!event.ok) return yield event;
        yield event;
      }
      parts = [];
      have = 0;
      need = undefined;
    }
  }
  if (need !== undefined || prefix.length > 0) yield err(malformed('SUBSCRIBE stream: stream ended inside a RecordIO record'));
}

function parseRecord(decoder: TextDecoder, bytes: Buffer): Result<MesosEvent, MesosError> {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    return err(malformed(`SUBSCRIBE record is not JSON: ${errorMessage(e)}`));
  }
  return parseEvent(json);
}
