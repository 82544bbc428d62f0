import { LosslessNumber, stringify as stringifyLossless } from 'lossless-json';
import type { Config } from '../config/schema.js';
import type { Agent } from '../model/agent.js';
import { authFromSettings, HttpClient, type HttpRequest, type HttpResponse, type HttpStream, type TokenSource } from '../util/http.js';
import type { Logger } from '../util/logger.js';
import { err, errorMessage, ok, type Result } from '../util/result.js';
import { fromHttp, type MesosError } from './errors.js';
import type { MesosEvent } from './events.js';
import { findLeader, leaderFromLocation } from './leader.js';
import type { MaintenanceView, MaintenanceWindowView } from '../model/drain.js';
import type { MachineId } from '../model/machine.js';
import { parseMaintenanceSchedule, parseMaintenanceStatus, scheduleBody, type MaintenanceStatus } from './maintenance.js';
import { parseMasterState, parseSlaves } from './parse-v0.js';
import { parseGetAgents, type MesosState } from './parse-v1.js';
import { decodeGetStateResponse } from './proto/get-state.js';
import { isFramingError, readEventRecords } from './state/event-records.js';
import { readState } from './state/read-state.js';

export type MesosConfig = Config['mesos'];

/** Up to `limit` bytes of a body we will not parse (an error answer), for its message. */
async function firstBytes(body: AsyncIterable<Uint8Array>, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(Buffer.from(chunk));
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(parts).subarray(0, limit);
}

/** What was read, from which master URL, and when (epoch ms). */
export interface AgentsRead {
  readonly agents: Agent[];
  readonly from: string;
  readonly readAt: number;
  readonly api: 'v1' | 'v0';
}
export interface StateRead {
  readonly state: MesosState;
  readonly from: string;
  readonly readAt: number;
  readonly api: 'v1' | 'v0';
}

/** Statuses with which a master sends us to the leader. */
const REDIRECTS = new Set([301, 302, 307, 308]);

/** Statuses with which a master tells us it does not have the v1 operator API (Mesos < 1.0). */
const NO_V1 = new Set([404, 405, 415, 501]);

/** src/common/http.hpp `APPLICATION_PROTOBUF`: what the master sends a serialized Response as. */
const APPLICATION_PROTOBUF = 'application/x-protobuf';

/** The media type of a Content-Type header, without parameters, lower case. */
const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * A protobuf body collected off the V8 heap (protobuf is never made a string), at most `limit`
 * bytes. With a declared length the chunks are copied into one buffer of that size as they
 * arrive, so the body is held once; without one they are kept and joined at the end.
 */
async function collectBody(body: AsyncIterable<Uint8Array>, declared: number | undefined, limit: number): Promise<Result<Buffer, number>> {
  if (declared !== undefined && declared > limit) return err(declared);
  const whole = declared !== undefined ? Buffer.allocUnsafe(declared) : undefined;
  /** Bytes copied into `whole`; anything past the declared length (a lying header) goes to `parts`. */
  let filled = 0;
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > limit) return err(size + chunk.length);
    if (whole && filled === size && filled + chunk.length <= whole.length) {
      whole.set(chunk, filled);
      filled += chunk.length;
    } else {
      parts.push(Buffer.from(chunk));
    }
    size += chunk.length;
  }
  if (!whole) return ok(Buffer.concat(parts, size));
  const head = whole.subarray(0, filled);
  return ok(parts.length === 0 ? head : Buffer.concat([head, ...parts], size));
}

/**
 * v1 master.proto `Call.DrainAgent.max_grace_period` is a google.protobuf.Duration (`{seconds,
 * nanos}`); the master devolves it to the DurationInfo it reports in `drain_info.config`
 * (`seconds * 1e9 + nanos`, src/internal/devolve.cpp), so every nanosecond, our mark included, survives.
 */
function protobufDuration(ns: string): { seconds: LosslessNumber; nanos: number } {
  const total = BigInt(ns);
  return { seconds: new LosslessNumber((total / 1_000_000_000n).toString()), nanos: Number(total % 1_000_000_000n) };
}

export interface DrainOptions {
  /** The grace period in nanoseconds, as a decimal string (int64). */
  readonly maxGracePeriodNs?: string;
  readonly markGone?: boolean;
}

/**
 * Talks to the leading Mesos master: agents and state (v1 operator API, classic endpoints as
 * fallback), maintenance and drain, and the SUBSCRIBE event stream. Every call returns a Result.
 */
export class MesosClient {
  readonly #config: MesosConfig;
  readonly #log: Logger;
  readonly #http: HttpClient;
  readonly #now: () => number;
  #leader: string | undefined;
  /** Which agent API worked last ('auto' learns it once). */
  #api: 'v1' | 'v0' | undefined;
  /** Masters (base URLs) that refused protobuf under `encoding: auto`: GET_STATE is read as JSON there. */
  readonly #jsonOnly = new Set<string>();
  /** Whether the fallback from a too-large protobuf GET_STATE to streamed JSON was logged already. */
  #tooLargeSaid = false;

  /** `tokenSource`: renewable credentials (DC/OS service account) in place of the config's token or basic auth. */
  constructor(config: MesosConfig, logger: Logger, opts: { now?: () => number; tokenSource?: TokenSource } = {}) {
    this.#config = config;
    this.#log = logger;
    this.#now = opts.now ?? Date.now;
    this.#api = config.api === 'auto' ? undefined : config.api;
    const auth = opts.tokenSource?.auth ?? authFromSettings(config);
    const onUnauthorized = opts.tokenSource?.onUnauthorized;
    this.#http = new HttpClient({
      timeoutMs: config.timeoutMs,
      maxResponseBytes: config.maxResponseBytes,
      ...(config.caFile ? { caFile: config.caFile } : {}),
      ...(auth ? { auth } : {}),
      ...(onUnauthorized ? { onUnauthorized } : {}),
      secrets: [config.password, config.token],
    });
  }

  /** The API 'auto' settled on, if any. */
  get api(): 'v1' | 'v0' | undefined {
    return this.#api;
  }

  async close(): Promise<void> {
    await this.#http.close();
  }

  /** Leading master's base URL, found once and kept until a call to it fails. */
  async leader(): Promise<Result<string, MesosError>> {
    if (this.#leader) return ok(this.#leader);
    const found = await findLeader(this.#http, this.#config.masters);
    if (found.ok) {
      this.#leader = found.value;
      this.#log.debug({ leader: found.value }, 'mesos leader found');
    }
    return found;
  }

  /**
   * Sends a request to the leader. A redirect (the master lost leadership) or a transport error
   * makes us look for the leader again and retry once.
   */
  async #send(req: Omit<HttpRequest, 'url'> & { path: string }): Promise<Result<HttpResponse, MesosError>> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const leader = await this.leader();
      if (!leader.ok) return leader;
      const res = await this.#http.send({ ...req, url: `${leader.value}${req.path}` });
      if (!res.ok) {
        this.#leader = undefined;
        if (attempt === 0 && res.error.kind === 'network') continue;
        return err(fromHttp(res.error));
      }
      const location = res.value.headers.location;
      if (REDIRECTS.has(res.value.status) && location) {
        const moved = this.#followRedirect(location, leader.value);
        if (!moved.ok) return moved;
        continue;
      }
      return ok(res.value);
    }
    return err({ kind: 'no-leader', message: 'Mesos masters kept redirecting; no stable leader' });
  }

  #json(res: HttpResponse): Result<unknown, MesosError> {
    const json = this.#http.readJson(res);
    return json.ok ? json : err(fromHttp(json.error));
  }

  /** Serialised losslessly: DurationInfo and TimeInfo nanoseconds are int64. */
  async #v1(call: unknown): Promise<Result<HttpResponse, MesosError>> {
    return this.#send({ method: 'POST', path: '/api/v1', jsonText: stringifyLossless(call) ?? 'null' });
  }

  async #get(path: string): Promise<Result<unknown, MesosError>> {
    const res = await this.#send({ path });
    return res.ok ? this.#json(res.value) : res;
  }

  /** Runs the v1 variant or the classic one per config; 'auto' falls back once when v1 is missing. */
  /**
   * A master that lost leadership redirects to the new leader: remember it. An unusable Location
   * (e.g. `http://[::1`) is an error value: logged, no action this cycle.
   */
  #followRedirect(location: string, from: string): Result<string, MesosError> {
    const next = leaderFromLocation(location, from);
    if (!next.ok) {
      this.#leader = undefined;
      this.#log.warn({ err: next.error.message }, 'mesos master sent an unusable redirect');
      return next;
    }
    this.#leader = next.value;
    this.#log.info({ leader: this.#leader }, 'mesos master redirected to a new leader');
    return next;
  }

  /** The API the last read went through: calls only the v1 API has (DRAIN_AGENT) need 'v1'. */
  #apiInUse(): 'v1' | 'v0' {
    return this.#config.api === 'v0' || this.#api === 'v0' ? 'v0' : 'v1';
  }

  async #eitherApi<T>(
    v1: () => Promise<Result<HttpResponse, MesosError>>,
    parseV1: (json: unknown) => Result<T, MesosError>,
    v0: () => Promise<Result<T, MesosError>>,
  ): Promise<Result<T, MesosError>> {
    if (this.#api !== 'v0') {
      const res = await v1();
      if (!res.ok) return res;
      if (this.#config.api === 'auto' && this.#api === undefined && NO_V1.has(res.value.status)) {
        this.#log.info({ status: res.value.status }, 'mesos v1 operator API not served; using classic endpoints');
        this.#api = 'v0';
      } else {
        const json = this.#json(res.value);
        if (!json.ok) return json;
        const parsed = parseV1(json.value);
        if (parsed.ok && this.#config.api === 'auto') this.#api = 'v1';
        return parsed;
      }
    }
    return v0();
  }

  /**
   * Registered agents (without tasks). Maintenance is not applied here: the observer reads it once
   * per cycle (`getMaintenance`) and marks the agents of scheduled or down machines.
   */
  async getAgents(): Promise<Result<AgentsRead, MesosError>> {
    const agents = await this.#eitherApi(
      () => this.#v1({ type: 'GET_AGENTS' }),
      parseGetAgents,
      async () => {
        const json = await this.#get(this.#config.slavesPath);
        return json.ok ? parseSlaves(json.value) : json;
      },
    );
    if (!agents.ok) return agents;
    return ok({ agents: agents.value, from: this.#leader ?? '', readAt: this.#now(), api: this.#apiInUse() });
  }

  /**
   * Agents with their tasks (v1 GET_STATE, or classic /master/state); maintenance as for getAgents.
   * A GET_STATE larger than `maxResponseBytes` is stream-parsed (state/read-state.ts `readState`):
   * a 50,000-agent state is larger than the longest string V8 can build, so it is never read whole.
   */
  async getState(): Promise<Result<StateRead, MesosError>> {
    const statePath = this.#config.slavesPath.replace(/slaves$/, 'state');
    let state: Result<MesosState, MesosError> | undefined;
    if (this.#api !== 'v0') {
      const read = await this.#v1StateStreamed();
      if (!read.ok) return read;
      if ('state' in read.value) {
        state = read.value.state;
        if (state.ok && this.#config.api === 'auto') this.#api = 'v1';
      } else if (this.#config.api === 'auto' && this.#api === undefined && NO_V1.has(read.value.refused.status)) {
        this.#log.info({ status: read.value.refused.status }, 'mesos v1 operator API not served; using classic endpoints');
        this.#api = 'v0';
      } else {
        const checked = this.#http.expectOk(read.value.refused);
        return err(checked.ok ? { kind: 'http', message: `GET_STATE: HTTP ${read.value.refused.status}` } : fromHttp(checked.error));
      }
    }
    if (!state) {
      const json = await this.#get(statePath);
      state = json.ok ? parseMasterState(json.value) : json;
    }
    if (!state.ok) return state;
    return ok({ state: state.value, from: this.#leader ?? '', readAt: this.#now(), api: this.#apiInUse() });
  }

  /** Whether GET_STATE and SUBSCRIBE are asked for in protobuf from this master (`mesos.encoding`). */
  #wantsProtobuf(leader: string): boolean {
    return this.#config.encoding === 'protobuf' || (this.#config.encoding === 'auto' && !this.#jsonOnly.has(leader));
  }

  /** `auto`: this master will be read in JSON from now on, GET_STATE and SUBSCRIBE (said once per master). */
  #fallBackToJson(leader: string, why: string, call = 'GET_STATE'): void {
    if (this.#config.encoding !== 'auto' || this.#jsonOnly.has(leader)) return;
    this.#jsonOnly.add(leader);
    this.#log.info({ leader, why, call }, `mesos master does not serve ${call} in protobuf; reading it as JSON`);
  }

  /**
   * An answer to a call asked in protobuf (`asked`), the rule GET_STATE and SUBSCRIBE share: under
   * `auto` a 406 makes this master read in JSON from then on and the call is sent again (`retry`).
   * Otherwise the body is read in the encoding its Content-Type names (the master answers in the
   * Accept'ed type, src/master/http.cpp `Master::Http::api`); a 2xx answer of another type to a
   * protobuf Accept also means JSON from then on under `auto`. Statuses other than 406 and 2xx are
   * the caller's.
   */
  #negotiated(res: HttpStream, asked: boolean, leader: string, call: string): 'retry' | 'protobuf' | 'json' {
    if (res.status === 406 && asked && this.#config.encoding === 'auto') {
      this.#fallBackToJson(leader, 'HTTP 406 to Accept: application/x-protobuf', call);
      return 'retry';
    }
    const type = mediaType(res.headers['content-type']);
    if (type === APPLICATION_PROTOBUF) return 'protobuf';
    if (asked && res.status >= 200 && res.status < 300) this.#fallBackToJson(leader, `answered ${type || 'no content type'} to Accept: application/x-protobuf`, call);
    return 'json';
  }

  /** A 2xx protobuf GET_STATE body: collected (bounded by `maxResponseBytes`), then decoded. */
  async #readProtobufState(res: HttpStream): Promise<Result<MesosState, MesosError>> {
    const declared = Number(res.headers['content-length']);
    const limit = this.#config.maxResponseBytes;
    const body = await collectBody(res.body, Number.isFinite(declared) ? declared : undefined, limit);
    if (!body.ok) return err({ kind: 'too-large', message: `GET_STATE in protobuf from ${res.url}: ${body.error} bytes exceed mesos.maxResponseBytes (${limit})` });
    const state = decodeGetStateResponse(body.value);
    if (state.ok) this.#log.debug({ bytes: body.value.length, encoding: 'protobuf', agents: state.value.agents.length }, 'mesos state read');
    return state;
  }

  /**
   * POSTs GET_STATE and reads a 2xx body: in protobuf when `mesos.encoding` asks for it (Accept
   * application/x-protobuf alone: the master answers JSON whenever Accept allows JSON,
   * src/master/http.cpp `Master::Http::api`), else stream-parsed JSON. Under `auto` a 406 or a
   * body of another content type makes this master read in JSON from then on. Any other non-2xx
   * answer comes back as `refused` with the start of its body (for the usual error message).
   * Redirects and a first network error are handled as in `#send`. The body may take longer than
   * `timeoutMs` in all; only a silence longer than that between chunks fails it.
   */
  async #v1StateStreamed(): Promise<Result<{ state: Result<MesosState, MesosError> } | { refused: HttpResponse }, MesosError>> {
    /** Under `auto`, a protobuf state past maxResponseBytes is asked again in JSON, which streams past it. */
    let jsonThisRead = false;
    for (let attempt = 0; attempt < 4; attempt++) {
      const leader = await this.leader();
      if (!leader.ok) return leader;
      const url = `${leader.value}/api/v1`;
      const protobuf = !jsonThisRead && this.#wantsProtobuf(leader.value);
      const opened = await this.#http.stream({
        method: 'POST',
        url,
        jsonText: '{"type":"GET_STATE"}',
        ...(protobuf ? { headers: { accept: APPLICATION_PROTOBUF } } : {}),
        idleTimeoutMs: this.#config.timeoutMs,
      });
      if (!opened.ok) {
        this.#leader = undefined;
        if (attempt === 0 && opened.error.kind === 'network') continue;
        return err(fromHttp(opened.error));
      }
      const res = opened.value;
      const location = res.headers.location;
      if (REDIRECTS.has(res.status) && location) {
        res.close();
        const moved = this.#followRedirect(location, leader.value);
        if (!moved.ok) return moved;
        continue;
      }
      const encoding = res.status === 406 || (res.status >= 200 && res.status < 300) ? this.#negotiated(res, protobuf, leader.value, 'GET_STATE') : 'json';
      if (encoding === 'retry') {
        res.close();
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        const body = await firstBytes(res.body, 4096);
        res.close();
        return ok({ refused: { status: res.status, url: res.url, headers: res.headers, body } });
      }
      try {
        if (encoding === 'protobuf') {
          const state = await this.#readProtobufState(res);
          if (!state.ok && state.error.kind === 'too-large' && protobuf && this.#config.encoding === 'auto') {
            // No bigger buffer is taken: the JSON is stream-parsed past the limit (read-state.ts), at its cost.
            this.#log[this.#tooLargeSaid ? 'debug' : 'warn']({ err: state.error.message }, 'GET_STATE in protobuf exceeds mesos.maxResponseBytes; reading it as streamed JSON (raise the limit to keep protobuf)');
            this.#tooLargeSaid = true;
            jsonThisRead = true;
            continue;
          }
          return ok({ state });
        }
        const read = await readState(res.body, this.#config.maxResponseBytes);
        if (read.ok) this.#log.debug({ bytes: read.value.bytes, encoding: 'json', streamed: read.value.streamed, agents: read.value.state.agents.length }, 'mesos state read');
        return ok({ state: read.ok ? ok(read.value.state) : read });
      } finally {
        res.close();
      }
    }
    return err({ kind: 'no-leader', message: 'Mesos masters kept redirecting; no stable leader' });
  }

  /** The schedule with every nanosecond count exactly as the master holds it. */
  async getMaintenanceSchedule(): Promise<Result<MaintenanceWindowView[], MesosError>> {
    const res = await this.#send({ path: '/master/maintenance/schedule' });
    if (!res.ok) return res;
    const checked = this.#http.expectOk(res.value);
    if (!checked.ok) return err(fromHttp(checked.error));
    return parseMaintenanceSchedule(res.value.body.toString('utf8'));
  }

  /** Replaces the whole schedule (Mesos has no partial update): callers pass every window back. */
  async updateMaintenanceSchedule(windows: readonly MaintenanceWindowView[]): Promise<Result<void, MesosError>> {
    return this.#done(await this.#send({ method: 'POST', path: '/master/maintenance/schedule', jsonText: scheduleBody(windows) }));
  }

  /** Schedule and down machines together: what one cycle needs to know of maintenance. */
  async getMaintenance(): Promise<Result<MaintenanceView, MesosError>> {
    const [windows, status] = await Promise.all([this.getMaintenanceSchedule(), this.getMaintenanceStatus()]);
    if (!windows.ok) return windows;
    if (!status.ok) return status;
    return ok({ windows: windows.value, down: status.value.down });
  }

  async getMaintenanceStatus(): Promise<Result<MaintenanceStatus, MesosError>> {
    const json = await this.#get('/master/maintenance/status');
    return json.ok ? parseMaintenanceStatus(json.value) : json;
  }

  async machineDown(machines: readonly MachineId[]): Promise<Result<void, MesosError>> {
    return this.#post('/master/machine/down', machines);
  }

  async machineUp(machines: readonly MachineId[]): Promise<Result<void, MesosError>> {
    return this.#post('/master/machine/up', machines);
  }

  /** v1 DRAIN_AGENT (Mesos 1.9+): kills the agent's tasks and keeps it deactivated. */
  async drainAgent(agentId: string, opts: DrainOptions = {}): Promise<Result<void, MesosError>> {
    const res = await this.#v1({
      type: 'DRAIN_AGENT',
      drain_agent: {
        agent_id: { value: agentId },
        ...(opts.maxGracePeriodNs !== undefined ? { max_grace_period: protobufDuration(opts.maxGracePeriodNs) } : {}),
        ...(opts.markGone !== undefined ? { mark_gone: opts.markGone } : {}),
      },
    });
    return this.#done(res);
  }

  /** v1 REACTIVATE_AGENT (Mesos 1.9+): ends a drain or deactivation. */
  async reactivateAgent(agentId: string): Promise<Result<void, MesosError>> {
    return this.#done(await this.#v1({ type: 'REACTIVATE_AGENT', reactivate_agent: { agent_id: { value: agentId } } }));
  }

  async #post(path: string, body: unknown): Promise<Result<void, MesosError>> {
    return this.#done(await this.#send({ method: 'POST', path, json: body }));
  }

  #done(res: Result<HttpResponse, MesosError>): Result<void, MesosError> {
    if (!res.ok) return res;
    const checked = this.#http.expectOk(res.value);
    return checked.ok ? ok(undefined) : err(fromHttp(checked.error));
  }

  /**
   * v1 SUBSCRIBE: calls `onEvent` for each event until the stream ends or `signal` aborts.
   * Resolves 'aborted' or 'ended' (the master closed the stream, e.g. it lost leadership);
   * connection and framing problems are error values. Reconnecting is the caller's job
   * (see `subscribeWithReconnect`).
   */
  async subscribe(
    onEvent: (event: MesosEvent) => void | Promise<void>,
    opts: { signal?: AbortSignal; idleTimeoutMs?: number } = {},
  ): Promise<Result<'aborted' | 'ended', MesosError>> {
    const leader = await this.leader();
    if (!leader.ok) return leader;
    /** Under `auto`, a protobuf record past maxResponseBytes has this subscription asked again in JSON, which streams past it. */
    let jsonThisTime = false;
    for (let round = 0; round < 2; round++) {
      const opened = await this.#openSubscribe(leader.value, jsonThisTime, opts);
      if (!opened.ok) return opened;
      const { stream, encoding } = opened.value;
      try {
        // A large first record (SUBSCRIBED with a big cluster's state) is stream-parsed in JSON, never
        // one string; in protobuf it is held once (bounded by maxResponseBytes) and decoded.
        for await (const event of readEventRecords(stream.body, { maxRecordBytes: this.#config.maxResponseBytes, encoding })) {
          if (event.ok) {
            await onEvent(event.value);
            continue;
          }
          if (encoding === 'protobuf' && this.#config.encoding === 'auto' && event.error.kind === 'too-large' && !jsonThisTime) {
            // As GET_STATE: no bigger buffer is taken; the JSON SUBSCRIBED is stream-parsed past the limit.
            this.#log.warn({ err: event.error.message }, 'SUBSCRIBE record in protobuf exceeds mesos.maxResponseBytes; subscribing in JSON, streamed (raise the limit to keep protobuf)');
            jsonThisTime = true;
            break;
          }
          // `auto`: protobuf events we cannot read (a master whose Event differs from our
          // definitions) are read in JSON from the next subscription on.
          if (encoding === 'protobuf' && event.error.kind === 'malformed' && !isFramingError(event.error)) this.#fallBackToJson(leader.value, event.error.message, 'SUBSCRIBE');
          return event;
        }
        if (!jsonThisTime || encoding === 'json') return ok(opts.signal?.aborted ? 'aborted' : 'ended');
      } catch (e) {
        if (opts.signal?.aborted) return ok('aborted');
        return err({ kind: 'malformed', message: `SUBSCRIBE stream: ${errorMessage(e)}` });
      } finally {
        stream.close();
      }
    }
    return ok(opts.signal?.aborted ? 'aborted' : 'ended');
  }

  /**
   * Opens SUBSCRIBE on the leader, asked in protobuf per `mesos.encoding` (Accept
   * application/x-protobuf alone, as GET_STATE) unless `json`; a second request only after `auto`
   * fell back to JSON on a 406. A 200 stream and the encoding of its records, or the error.
   */
  async #openSubscribe(leader: string, json: boolean, opts: { signal?: AbortSignal; idleTimeoutMs?: number }): Promise<Result<{ stream: HttpStream; encoding: 'protobuf' | 'json' }, MesosError>> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const protobuf = !json && this.#wantsProtobuf(leader);
      const opened = await this.#http.stream({
        method: 'POST',
        url: `${leader}/api/v1`,
        json: { type: 'SUBSCRIBE' },
        ...(protobuf ? { headers: { accept: APPLICATION_PROTOBUF } } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
      });
      if (!opened.ok) {
        this.#leader = undefined;
        return err(fromHttp(opened.error));
      }
      const stream = opened.value;
      const encoding = stream.status === 406 || stream.status === 200 ? this.#negotiated(stream, protobuf, leader, 'SUBSCRIBE') : 'json';
      if (encoding === 'retry') {
        stream.close();
        continue;
      }
      if (stream.status !== 200) {
        stream.close();
        if (stream.status >= 300 && stream.status < 400) this.#leader = undefined;
        return err({ kind: 'http', status: stream.status, message: `SUBSCRIBE to ${stream.url}: HTTP ${stream.status}` });
      }
      return ok({ stream, encoding });
    }
    return err({ kind: 'http', status: 406, message: `SUBSCRIBE to ${leader}: HTTP 406 in both encodings` });
  }
}
