import type { ServerResponse } from 'node:http';
import type { EmulatorFaults } from '../http-util.js';
import { CALL, decodeToJson, encodeJson, EVENT, RESPONSE } from './codec.js';

/** The media types of the operator API (src/common/http.hpp `APPLICATION_JSON`, `APPLICATION_PROTOBUF`). */
export const APPLICATION_JSON = 'application/json';
export const APPLICATION_PROTOBUF = 'application/x-protobuf';

export type Encoding = 'json' | 'protobuf';

/**
 * process::http::Request::acceptsMediaType (3rdparty/libprocess/src/http.cpp): no Accept header
 * accepts anything; otherwise the type itself, `<top>/*` or `* / *` with a non-zero q.
 */
export function acceptsMediaType(header: string | undefined, mediaType: string): boolean {
  if (header === undefined) return true;
  const top = `${mediaType.split('/')[0] ?? ''}/*`;
  return header.split(',').some((part) => {
    const [type = '', ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    return (type === mediaType || type === top || type === '*/*') && weight > 0;
  });
}

/**
 * The answer's encoding as src/master/http.cpp `Master::Http::api` picks it: JSON whenever the
 * Accept header allows JSON (so `* / *` gets JSON), else protobuf if it allows that, else none (406).
 */
export function answerEncoding(accept: string | undefined): Encoding | undefined {
  if (acceptsMediaType(accept, APPLICATION_JSON)) return 'json';
  if (acceptsMediaType(accept, APPLICATION_PROTOBUF)) return 'protobuf';
  return undefined;
}

/**
 * A `mesos.v1.master.Response` in protobuf with the Content-Type the master sets
 * (`OK(body, stringify(ContentType::PROTOBUF))`, src/master/readonly_handler.cpp). The
 * `malformedJson` fault cuts it in half, as it does a JSON body.
 */
export function sendProtobufResponse(res: ServerResponse, json: unknown, faults?: EmulatorFaults): void {
  let body = Buffer.from(encodeJson(RESPONSE, json));
  if (faults && faults.malformedJson > 0) {
    faults.malformedJson--;
    body = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
  }
  res.writeHead(200, { 'Content-Type': APPLICATION_PROTOBUF, 'Content-Length': body.length });
  res.end(body);
}

/** One SUBSCRIBE event in RecordIO framing: `<length>\n<serialized mesos.v1.master.Event>`. */
export function recordIoProtobuf(event: unknown): Buffer {
  const bytes = encodeJson(EVENT, event);
  return Buffer.concat([Buffer.from(`${bytes.length}\n`), bytes]);
}

/**
 * A protobuf-encoded `mesos.v1.master.Call` (Content-Type application/x-protobuf), as the JSON the
 * emulator's call reader takes: enums by name, 64-bit integers as exact decimal strings. An Error
 * when the bytes are not a Call ("Failed to parse body into Call protobuf").
 */
export function callFromProtobuf(bytes: Uint8Array): Record<string, unknown> | Error {
  try {
    return decodeToJson(CALL, bytes);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
