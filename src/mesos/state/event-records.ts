import { err, errorMessage, ok, type Result } from '../../util/result.js';
import type { MesosError } from '../errors.js';
import { parseEvent, type MesosEvent } from '../events.js';
import { decodeEvent } from '../proto/event.js';
import { StateJsonReader } from './read-state.js';

const NEWLINE = 0x0a;
/** Longest length prefix we accept: 20 digits covers any uint64. */
const MAX_PREFIX = 20;

export interface EventRecordOptions {
  /**
   * Largest record read whole. In JSON a larger first record is stream-parsed instead (below); in
   * protobuf every record, the first (SUBSCRIBED, the whole state) included, is held whole and
   * decoded once, so this bounds what the stream can make us hold.
   */
  readonly maxRecordBytes: number;
  /**
   * JSON only: a first record larger than this is the SUBSCRIBED event of a large cluster: it is
   * stream-parsed (read-state.ts) rather than held as one string, which past ~512 MB V8 cannot build
   * at all. Default `maxRecordBytes`: smaller records are parsed whole, which costs less cpu.
   */
  readonly streamAboveBytes?: number;
  /**
   * What the records are: JSON text (default) or serialized `mesos.v1.master.Event`s, as the
   * stream's Content-Type says (src/master/http.cpp `subscribe` answers in the Accept'ed type).
   */
  readonly encoding?: 'json' | 'protobuf';
}

const malformed = (message: string): MesosError => ({ kind: 'malformed', message });

/** Errors of the RecordIO framing (a cut or garbled length), as opposed to a record that did not decode. */
const framingErrors = new WeakSet<MesosError>();
const framing = (message: string): MesosError => {
  const e = malformed(message);
  framingErrors.add(e);
  return e;
};
/** A record longer than we hold (read before any of its bytes). */
const tooLarge = (message: string): MesosError => {
  const e: MesosError = { kind: 'too-large', message };
  framingErrors.add(e);
  return e;
};
/** Whether `e` came from the stream's framing (cut off, bad length prefix), not from a record's content. */
export const isFramingError = (e: MesosError): boolean => framingErrors.has(e);

/** Where one record's bytes go as they arrive, and what they make once all are in. */
interface RecordSink {
  /** Takes the next piece of the record; false once the record is known to be bad (stop feeding). */
  write(piece: Buffer): boolean;
  end(): Result<MesosEvent, MesosError>;
}

/** A JSON record held whole, then `JSON.parse`d and checked (events.ts `parseEvent`). */
class JsonRecord implements RecordSink {
  readonly #decoder: TextDecoder;
  readonly #parts: Buffer[] = [];
  constructor(decoder: TextDecoder) {
    this.#decoder = decoder;
  }
  write(piece: Buffer): boolean {
    this.#parts.push(piece);
    return true;
  }
  end(): Result<MesosEvent, MesosError> {
    let json: unknown;
    try {
      json = JSON.parse(this.#decoder.decode(Buffer.concat(this.#parts)));
    } catch (e) {
      return err(malformed(`SUBSCRIBE record is not JSON: ${errorMessage(e)}`));
    }
    return parseEvent(json);
  }
}

/** A large first JSON record (SUBSCRIBED) fed to the streaming state reader chunk by chunk. */
class StreamedSubscribed implements RecordSink {
  readonly #reader = new StateJsonReader('SUBSCRIBED');
  write(piece: Buffer): boolean {
    return this.#reader.write(piece);
  }
  end(): Result<MesosEvent, MesosError> {
    const read = this.#reader.end();
    if (!read.ok) return read;
    const hb = read.value.heartbeatIntervalSeconds;
    return ok({ type: 'SUBSCRIBED', state: read.value.state, ...(hb !== undefined ? { heartbeatIntervalSeconds: hb } : {}) });
  }
}

/**
 * A protobuf record: a serialized Event must be contiguous to be decoded, so its bytes are held
 * once: a record inside one chunk is a view of that chunk (no copy); one spread over chunks is
 * copied into a buffer of its announced length as the chunks arrive, so the chunks are not kept
 * beside it (for a large SUBSCRIBED, one copy of the state, never two).
 */
class ProtobufRecord implements RecordSink {
  readonly #length: number;
  #view: Buffer | undefined;
  #whole: Buffer | undefined;
  #filled = 0;
  constructor(length: number) {
    this.#length = length;
  }
  write(piece: Buffer): boolean {
    if (this.#filled === 0 && piece.length === this.#length) {
      this.#view = piece;
    } else {
      this.#whole ??= Buffer.allocUnsafe(this.#length);
      this.#whole.set(piece, this.#filled);
    }
    this.#filled += piece.length;
    return true;
  }
  end(): Result<MesosEvent, MesosError> {
    const bytes = this.#view ?? this.#whole ?? Buffer.alloc(0);
    this.#view = undefined;
    this.#whole = undefined;
    return decodeEvent(bytes);
  }
}

/**
 * SUBSCRIBE's RecordIO stream (`<length>\n<bytes>`, lengths in bytes: master.proto, "RecordIO"
 * in docs/recordio.md of apache/mesos) as typed events, read from raw chunks, in JSON or protobuf
 * (`encoding`). In JSON every record but a large first one is read whole; the first (SUBSCRIBED,
 * the whole state) is fed chunk by chunk to a streaming parser when it is large. In protobuf each
 * record is held once and decoded (proto/event.ts). Problems are error values; the generator stops
 * after one, and the caller re-subscribes, which brings a fresh SUBSCRIBED (a re-sync).
 */
export async function* readEventRecords(chunks: AsyncIterable<Uint8Array>, opts: EventRecordOptions): AsyncGenerator<Result<MesosEvent, MesosError>> {
  const protobuf = opts.encoding === 'protobuf';
  const streamAbove = opts.streamAboveBytes ?? opts.maxRecordBytes;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let prefix: Buffer = Buffer.alloc(0);
  let need: number | undefined;
  let have = 0;
  let sink: RecordSink | undefined;
  let first = true;
  for await (const raw of chunks) {
    let chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    while (chunk.length > 0) {
      if (need === undefined || sink === undefined) {
        const nl = chunk.indexOf(NEWLINE);
        const head = Buffer.concat([prefix, nl < 0 ? chunk : chunk.subarray(0, nl)]);
        if (nl < 0) {
          if (head.length > MAX_PREFIX) return yield err(framing('SUBSCRIBE stream: RecordIO length prefix too long'));
          prefix = head;
          break;
        }
        prefix = Buffer.alloc(0);
        chunk = chunk.subarray(nl + 1);
        const text = head.toString('latin1').trim();
        if (!/^\d+$/.test(text)) return yield err(framing(`SUBSCRIBE stream: bad RecordIO length prefix ${JSON.stringify(text.slice(0, 20))}`));
        need = Number(text);
        if (!protobuf && first && need > streamAbove) sink = new StreamedSubscribed();
        else if (need > opts.maxRecordBytes) return yield err(tooLarge(`SUBSCRIBE stream: RecordIO record of ${need} bytes exceeds ${opts.maxRecordBytes}`));
        else sink = protobuf ? new ProtobufRecord(need) : new JsonRecord(decoder);
        first = false;
      }
      const take = Math.min(need - have, chunk.length);
      const piece = chunk.subarray(0, take);
      chunk = chunk.subarray(take);
      have += take;
      if (!sink.write(piece)) {
        const read = sink.end();
        return yield read.ok ? err(malformed('SUBSCRIBED: unreadable')) : err(read.error);
      }
      if (have < need) continue;
      const event = sink.end();
      sink = undefined;
      need = undefined;
      have = 0;
      if (!event.ok) return yield event;
      yield event;
    }
  }
  if (need !== undefined || prefix.length > 0) yield err(framing('SUBSCRIBE stream: stream ended inside a RecordIO record'));
}
