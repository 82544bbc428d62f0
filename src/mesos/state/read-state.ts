import { JSONParser } from '@streamparser/json';
import type { ParsedElementInfo } from '@streamparser/json';
import { err, errorMessage, ok, type Result } from '../../util/result.js';
import type { MesosError } from '../errors.js';
import { parseGetState, type MesosState } from '../parse-v1.js';
import { StateBuilder } from './build-state.js';

/** Which document is read: a GET_STATE response, or the SUBSCRIBED event that opens a SUBSCRIBE stream. */
export type StateDocument = 'GET_STATE' | 'SUBSCRIBED';

/** What a streamed read found: the state, and for SUBSCRIBED the announced heartbeat interval. */
export interface StreamedState {
  readonly state: MesosState;
  readonly heartbeatIntervalSeconds?: number;
  /** Bytes read, for logs and benchmarks. */
  readonly bytes: number;
  /** True when the document was stream-parsed, false when it was small enough to parse whole. */
  readonly streamed?: boolean;
}

/** Where the state sits in each document (master.proto `Response.get_state`, `Event.Subscribed.get_state`). */
const ROOT: Record<StateDocument, string> = { GET_STATE: '$.get_state', SUBSCRIBED: '$.subscribed.get_state' };

/**
 * Reads a GET_STATE response or SUBSCRIBED event chunk by chunk with a streaming JSON parser
 * (@streamparser/json), handing each agent, task and framework to a `StateBuilder` as soon as it
 * is complete and dropping it from the parser (`keepStack: false`). No string of the whole
 * response is ever built, so a state past V8's ~512 MB string limit (a 50,000-agent master) can be
 * read, and memory is what the model keeps plus one element at a time.
 */
export class StateJsonReader {
  readonly #doc: StateDocument;
  readonly #parser: JSONParser;
  readonly #builder = new StateBuilder();
  #type: string | undefined;
  #heartbeat: number | undefined;
  #bytes = 0;
  #error: MesosError | undefined;

  constructor(doc: StateDocument) {
    this.#doc = doc;
    const root = ROOT[doc];
    this.#parser = new JSONParser({
      paths: [
        '$.type',
        '$.subscribed.heartbeat_interval_seconds',
        `${root}.get_tasks.tasks.*`,
        `${root}.get_tasks.unreachable_tasks.*`,
        `${root}.get_agents.agents.*`,
        `${root}.get_agents.recovered_agents.*`,
        `${root}.get_frameworks.frameworks.*`,
      ],
      keepStack: false,
      // Buffered strings and numbers: measured faster than the default per-character concatenation.
      stringBufferSize: 64 * 1024,
      numberBufferSize: 64,
    });
    this.#parser.onValue = (info) => this.#onValue(info);
    this.#parser.onError = (e) => {
      this.#error ??= { kind: 'malformed', message: `${doc} is not JSON: ${e.message}` };
    };
  }

  #onValue(info: ParsedElementInfo): void {
    const depth = info.stack.length;
    if (depth === 1 && info.key === 'type') {
      this.#type = typeof info.value === 'string' ? info.value : undefined;
      return;
    }
    if (depth === 2 && info.key === 'heartbeat_interval_seconds') {
      if (typeof info.value === 'number') this.#heartbeat = info.value;
      return;
    }
    const list = info.stack[depth - 1]?.key;
    const index = typeof info.key === 'number' ? info.key : -1;
    const b = this.#builder;
    if (list === 'tasks' || list === 'unreachable_tasks') b.addTask(info.value, list, index);
    else if (list === 'agents') b.addAgent(info.value, index);
    else if (list === 'recovered_agents') b.addRecoveredAgent(info.value);
    else if (list === 'frameworks') b.addFramework(info.value, index);
  }

  /** Feeds one chunk; false once the document is known to be bad (stop feeding). */
  write(chunk: Uint8Array): boolean {
    if (this.#error || this.#builder.error) return false;
    this.#bytes += chunk.length;
    try {
      this.#parser.write(chunk);
    } catch (e) {
      this.#error ??= { kind: 'malformed', message: `${this.#doc} is not JSON: ${errorMessage(e)}` };
    }
    return !this.#error && !this.#builder.error;
  }

  /** Ends the document and returns the state, or why it could not be read. */
  end(): Result<StreamedState, MesosError> {
    if (!this.#error && !this.#builder.error) {
      try {
        // The parser ends by itself after a complete root value; only a cut-off document is left open.
        if (!this.#parser.isEnded) this.#parser.end();
      } catch (e) {
        this.#error ??= { kind: 'malformed', message: `${this.#doc} is not JSON: ${errorMessage(e)}` };
      }
    }
    if (this.#error) return err(this.#error);
    if (this.#type !== this.#doc) {
      return err({ kind: 'malformed', message: `${this.#doc}: unexpected shape: type: expected "${this.#doc}", got ${JSON.stringify(this.#type ?? null)}` });
    }
    const state = this.#builder.finish();
    if (!state.ok) return state;
    return ok({ state: state.value, bytes: this.#bytes, ...(this.#heartbeat !== undefined ? { heartbeatIntervalSeconds: this.#heartbeat } : {}) });
  }
}

/** Reads a whole GET_STATE (or SUBSCRIBED) body from its chunks; see `StateJsonReader`. */
export async function readStateJson(chunks: AsyncIterable<Uint8Array>, doc: StateDocument = 'GET_STATE'): Promise<Result<StreamedState, MesosError>> {
  const reader = new StateJsonReader(doc);
  for await (const chunk of chunks) if (!reader.write(chunk)) break;
  return reader.end();
}

/**
 * GET_STATE as fast as its size allows: a body up to `wholeUpTo` bytes is parsed whole with
 * `JSON.parse` (native, about a third of the streaming parser's cpu: BENCHMARKS.md, large states);
 * once a body grows past it, what was held and the rest are stream-parsed, so memory stays bounded
 * by `wholeUpTo` plus the model and no string past V8's limit is ever asked for.
 */
export async function readState(chunks: AsyncIterable<Uint8Array>, wholeUpTo: number): Promise<Result<StreamedState, MesosError>> {
  let held: Uint8Array[] = [];
  let size = 0;
  let reader: StateJsonReader | undefined;
  for await (const chunk of chunks) {
    if (reader) {
      if (!reader.write(chunk)) break;
      continue;
    }
    held.push(chunk);
    size += chunk.length;
    if (size > wholeUpTo) {
      reader = new StateJsonReader('GET_STATE');
      const pending = held;
      held = [];
      if (!pending.every((c) => reader?.write(c))) break;
    }
  }
  if (reader) {
    const read = reader.end();
    return read.ok ? ok({ ...read.value, streamed: true }) : read;
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(held).toString('utf8'));
  } catch (e) {
    return err({ kind: 'malformed', message: `GET_STATE is not JSON: ${errorMessage(e)}` });
  }
  const state = parseGetState(json);
  return state.ok ? ok({ state: state.value, bytes: size, streamed: false }) : state;
}
