import { err, errorMessage, type Result } from '../../util/result.js';
import type { MesosError } from '../errors.js';
import { parseGetState, type MesosState } from '../parse-v1.js';
import { MASTER_READ_PROTO, MESOS_READ_PROTO } from './master-read-proto.js';
import { decodeMessage, newReader, type Reader } from './message-decode.js';
import { compileSpec, loadRoot, type MessageSpec } from './message-spec.js';

/** Our minimal mesos.v1 definitions, compiled once. */
export const READ_ROOT = loadRoot(MESOS_READ_PROTO, MASTER_READ_PROTO);
const specs = new Map<string, MessageSpec>();
/** The compiled spec of one of our message types, e.g. `mesos.v1.Task` (for events read in protobuf). */
export const specOf = (typeName: string): MessageSpec => compileSpec(READ_ROOT, typeName, specs);

const RESPONSE = specOf('mesos.v1.master.Response');
const GET_STATE = specOf('mesos.v1.master.Response.GetState');

const malformedProto = (doc: string, e: unknown): MesosError => ({ kind: 'malformed', message: `${doc} is not a valid protobuf message: ${errorMessage(e)}` });

/**
 * Reads a `mesos.v1.master.Response.GetState` message in [r.pos, end) (the `get_state` of a
 * GET_STATE response, or of the SUBSCRIBED event: master.proto `Event.Subscribed.get_state`) into
 * the same `MesosState` the JSON path gives. Only the fields of our minimal definitions are
 * decoded, into the shape the master's JSON has; executors, pending and completed tasks, statuses,
 * containers, discovery, ... are skipped by their length prefix. What is decoded then goes through
 * the JSON path's own validation and conversion (parse-v1.ts `parseGetState`), so both encodings
 * give one model. Bad bytes are a `malformed` error, never a throw.
 */
export function decodeGetState(r: Reader, end: number, doc = 'GET_STATE'): Result<MesosState, MesosError> {
  let getState: Record<string, unknown>;
  try {
    getState = decodeMessage(r, end, GET_STATE);
  } catch (e) {
    return err(malformedProto(doc, e));
  }
  return parseGetState({ type: 'GET_STATE', get_state: getState });
}

/**
 * A whole GET_STATE response in protobuf (`mesos.v1.master.Response`, as src/master/readonly_handler.cpp
 * `getState` writes it: `type` then `get_state`) -> the state.
 */
export function decodeGetStateResponse(bytes: Uint8Array): Result<MesosState, MesosError> {
  let response: Record<string, unknown>;
  try {
    const r = newReader(bytes);
    response = decodeMessage(r, r.len, RESPONSE);
  } catch (e) {
    return err(malformedProto('GET_STATE', e));
  }
  // The same checks as on the JSON: `type` must be GET_STATE and `get_state` present.
  return parseGetState(response);
}
