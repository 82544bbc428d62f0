import { err, errorMessage, ok, type Result } from '../../util/result.js';
import type { MesosError } from '../errors.js';
import { parseEvent, type MesosEvent } from '../events.js';
import type { MesosState } from '../parse-v1.js';
import { decodeGetState, specOf } from './get-state.js';
import { decodeMessage, expectEnd, newReader, ProtoFormatError, readTag, skipValue, subEnd, type Reader } from './message-decode.js';
import { fieldOf } from './message-spec.js';

const EVENT = specOf('mesos.v1.master.Event');
const SUBSCRIBED = specOf('mesos.v1.master.Event.Subscribed');

// Field numbers from our definitions (master-read-proto.ts, master.proto `Event`).
const F = {
  type: fieldOf(EVENT, 'type').id,
  subscribed: fieldOf(EVENT, 'subscribed').id,
  getState: fieldOf(SUBSCRIBED, 'get_state').id,
  heartbeat: fieldOf(SUBSCRIBED, 'heartbeat_interval_seconds').id,
};
const TYPE_NAMES = fieldOf(EVENT, 'type').enumNames;

const malformedProto = (e: unknown): MesosError => ({ kind: 'malformed', message: `SUBSCRIBE record is not a valid protobuf Event: ${errorMessage(e)}` });

function wire(wireType: number, expected: number, what: string): void {
  if (wireType !== expected) throw new ProtoFormatError(`${what}: wire type ${wireType}, expected ${expected}`);
}

interface Subscribed {
  state: Result<MesosState, MesosError> | undefined;
  heartbeat: number | undefined;
}

/** `Event.Subscribed`: the state straight into the model's shape (get-state.ts), the heartbeat interval. */
function readSubscribed(r: Reader, end: number): Subscribed {
  const out: Subscribed = { state: undefined, heartbeat: undefined };
  while (r.pos < end) {
    const { id, wireType } = readTag(r, SUBSCRIBED.fullName);
    if (id === F.getState) {
      wire(wireType, 2, 'subscribed.get_state');
      const stop = subEnd(r, end, 'get_state');
      out.state = decodeGetState(r, stop, 'SUBSCRIBED');
      // A bad state leaves the reader where it failed: stop here, the error is the answer.
      if (!out.state.ok) return out;
    } else if (id === F.heartbeat) {
      wire(wireType, 1, 'subscribed.heartbeat_interval_seconds');
      out.heartbeat = r.double();
    } else {
      skipValue(r, wireType);
    }
  }
  expectEnd(r, end, SUBSCRIBED.fullName);
  return out;
}

/**
 * One SUBSCRIBE record in protobuf (a serialized `mesos.v1.master.Event`) -> the same `MesosEvent`
 * the JSON path gives. SUBSCRIBED's state, the bulk, is read by `decodeGetState` (tasks straight
 * into the model, agents and frameworks through the JSON path's validation); every other event is
 * small and is decoded into the master's JSON shape and handed to `parseEvent`, so both encodings
 * share one set of rules. Bytes that are not an Event are a `malformed` error, never a throw.
 */
export function decodeEvent(bytes: Uint8Array): Result<MesosEvent, MesosError> {
  const r = newReader(bytes);
  const json: Record<string, unknown> = {};
  let subscribed: Subscribed | undefined;
  try {
    while (r.pos < r.len) {
      const { id, wireType } = readTag(r, EVENT.fullName);
      if (id === F.type) {
        wire(wireType, 0, 'event.type');
        const n = r.int32();
        // A newer master's event type: its number, which parseEvent passes on as UNKNOWN.
        json['type'] = TYPE_NAMES?.get(n) ?? String(n);
      } else if (id === F.subscribed) {
        wire(wireType, 2, 'event.subscribed');
        subscribed = readSubscribed(r, subEnd(r, r.len, 'subscribed'));
        if (subscribed.state && !subscribed.state.ok) return subscribed.state;
      } else {
        const f = EVENT.byId[id];
        if (f?.message === undefined) {
          skipValue(r, wireType);
          continue;
        }
        wire(wireType, 2, `event.${f.name}`);
        json[f.name] = decodeMessage(r, subEnd(r, r.len, f.name), f.message);
      }
    }
  } catch (e) {
    return err(malformedProto(e));
  }
  if (json['type'] === 'SUBSCRIBED' && subscribed?.state?.ok) {
    const hb = subscribed.heartbeat;
    return ok({ type: 'SUBSCRIBED', state: subscribed.state.value, ...(hb !== undefined ? { heartbeatIntervalSeconds: hb } : {}) });
  }
  // Without get_state, SUBSCRIBED is an empty state, as parseEvent makes it.
  if (subscribed) json['subscribed'] = subscribed.heartbeat !== undefined ? { heartbeat_interval_seconds: subscribed.heartbeat } : {};
  return parseEvent(json);
}
