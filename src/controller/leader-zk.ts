import zookeeper from 'node-zookeeper-client';
import { err, ok, type Result } from '../util/result.js';

/** A failed ZooKeeper call; `code` is the ZooKeeper exception code when the server gave one. */
export interface ZkError {
  readonly code?: number;
  readonly message: string;
}

type Callback<T> = (error: Error | zookeeper.Exception | null, value: T) => void;

/** Turns a node-zookeeper-client callback call into a Result, with a deadline (the client may queue forever). */
export function zkCall<T>(call: (cb: Callback<T>) => void, timeoutMs = 10_000): Promise<Result<T, ZkError>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(err({ message: `no answer within ${timeoutMs} ms` })), timeoutMs);
    try {
      call((e, value) => {
        clearTimeout(timer);
        if (!e) return resolve(ok(value));
        resolve(err(e instanceof zookeeper.Exception ? { code: e.getCode(), message: e.toString() } : { message: e.message }));
      });
    } catch (e) {
      clearTimeout(timer);
      resolve(err({ message: e instanceof Error ? e.message : String(e) }));
    }
  });
}

export const isNoNode = (e: ZkError): boolean => e.code === zookeeper.Exception.NO_NODE;
export const isNodeExists = (e: ZkError): boolean => e.code === zookeeper.Exception.NODE_EXISTS;

/** Connects and waits for the session, or gives up after `timeoutMs`. */
export function zkConnect(client: zookeeper.Client, timeoutMs: number): Promise<Result<void, string>> {
  return new Promise((resolve) => {
    const done = (r: Result<void, string>): void => {
      clearTimeout(timer);
      client.removeListener('connected', onConnected);
      client.removeListener('authenticationFailed', onAuthFailed);
      resolve(r);
    };
    const onConnected = (): void => done(ok(undefined));
    const onAuthFailed = (): void => done(err('authentication failed'));
    const timer = setTimeout(() => done(err(`not connected within ${timeoutMs} ms`)), timeoutMs);
    client.once('connected', onConnected);
    client.once('authenticationFailed', onAuthFailed);
    client.connect();
  });
}
