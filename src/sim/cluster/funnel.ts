import { REJECT_REASONS, type LaunchQueueState, type OfferFunnel, type RejectReason, type UnusedOffer } from './types.js';

export function emptyFunnel(): OfferFunnel {
  const declined = {} as Record<RejectReason, number>;
  for (const r of REJECT_REASONS) declined[r] = 0;
  return { processed: 0, used: 0, declined };
}

export function addFunnel(into: OfferFunnel, from: OfferFunnel): void {
  into.processed += from.processed;
  into.used += from.used;
  for (const r of REJECT_REASONS) into.declined[r] += from.declined[r];
}

export function newQueueState(since: number, pass: number): LaunchQueueState {
  return { since, lastPass: emptyFunnel(), attempt: emptyFunnel(), settledAt: pass, lastUnused: [], failed: false };
}

/**
 * Folds the passes that skipped a failed app (they would have declined the same offers)
 * into its launch-attempt funnel, up to pass `upTo`. Lazy, so a pass over a long queue
 * does not touch every app.
 */
export function settle(q: LaunchQueueState, upTo: number): void {
  const replays = q.failed ? upTo - q.settledAt : 0;
  q.settledAt = Math.max(q.settledAt, upTo);
  if (replays <= 0) return;
  const f = q.lastPass;
  q.attempt.processed += f.processed * replays;
  q.attempt.used += f.used * replays;
  for (const r of REJECT_REASONS) q.attempt.declined[r] += f.declined[r] * replays;
}

/** Unused offers an app keeps (the newest). */
export const LAST_UNUSED_KEPT = 10;

export function noteUnused(q: LaunchQueueState, offer: UnusedOffer): void {
  q.lastUnused.push(offer);
  if (q.lastUnused.length > LAST_UNUSED_KEPT) q.lastUnused.shift();
  q.lastUnusedOfferAt = offer.at;
}

/**
 * Marathon's reject summary is a funnel: each check sees the offers that passed the
 * checks before it. `processed` for a reason is the number that reached that check.
 */
export function rejectSummary(f: OfferFunnel): { reason: RejectReason; declined: number; processed: number }[] {
  let reaching = f.processed;
  return REJECT_REASONS.map((reason) => {
    const row = { reason, declined: f.declined[reason], processed: reaching };
    reaching -= f.declined[reason];
    return row;
  });
}

/** Rejections by reason with non-zero counts (the model's PendingLaunch.rejections). */
export function rejectionCounts(f: OfferFunnel): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of REJECT_REASONS) if (f.declined[r] > 0) out[r] = f.declined[r];
  return out;
}
