import type { SimAgent, SimApp, SimTask } from './types.js';

export type ClusterEvent =
  | { readonly type: 'task_added'; readonly task: SimTask }
  | { readonly type: 'task_updated'; readonly task: SimTask }
  | { readonly type: 'agent_added'; readonly agent: SimAgent }
  | { readonly type: 'agent_removed'; readonly agent: SimAgent }
  /** Drain, deactivation or maintenance of an agent changed. */
  | { readonly type: 'agent_updated'; readonly agent: SimAgent }
  | { readonly type: 'queue_changed'; readonly appId: string }
  | { readonly type: 'app_changed'; readonly app: SimApp; readonly change: 'created' | 'scaled' | 'deleted' | 'completed' }
  | { readonly type: 'deployment_success'; readonly appId: string; readonly deploymentId: string };

export type ClusterListener = (event: ClusterEvent) => void;

/** Synchronous fan-out; costs nothing when nobody listens (the simulator's fast path). */
export class EventBus {
  readonly #listeners = new Set<ClusterListener>();

  on(listener: ClusterListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get hasListeners(): boolean {
    return this.#listeners.size > 0;
  }

  emit(event: ClusterEvent): void {
    for (const l of this.#listeners) l(event);
  }
}
