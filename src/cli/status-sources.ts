import type { QueueFromEventsStatus } from '../marathon/queue-from-events.js';
import type { StreamedStateStatus } from '../mesos/state/streamed-source.js';
import type { SourcesView, SourceView } from '../server/index.js';

interface Followed {
  status(): StreamedStateStatus | QueueFromEventsStatus;
}

/** One model's status as /status shows it: a cycle reads the model only while it is in sync. */
export function sourceView(s: StreamedStateStatus | QueueFromEventsStatus): SourceView {
  return {
    mode: s.inSync ? 'events' : 'poll',
    connected: s.connected,
    refused: s.refused,
    events: s.events,
    syncs: s.syncs,
    ...('lastHeardAt' in s && s.lastHeardAt !== undefined ? { lastHeardAt: s.lastHeardAt } : {}),
  };
}

/**
 * What /status says of the sources: a model that is configured shows its state; a source kept
 * by polling (`mesos.stateFrom: poll`, `marathon.queueFrom: poll`) is shown as polled.
 */
export function sourcesView(mesos: Followed | undefined, marathon: Followed | undefined, hasMarathon: boolean): SourcesView {
  const polled: SourceView = { mode: 'poll', connected: false, refused: false, events: 0, syncs: 0 };
  return {
    mesos: mesos ? sourceView(mesos.status()) : polled,
    ...(hasMarathon ? { marathon: marathon ? sourceView(marathon.status()) : polled } : {}),
  };
}
