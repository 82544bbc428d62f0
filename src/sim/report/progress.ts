import cliProgress from 'cli-progress';

/** A progress bar that is a no-op where nobody is watching. */
export interface Progress {
  /** Moves the bar; `label` (e.g. the policy now running) replaces the one shown, if given. */
  update(value: number, label?: string): void;
  increment(step?: number): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly total: number;
  readonly label?: string;
  /** Default true; false turns the bar off (e.g. --quiet, --json). */
  readonly enabled?: boolean;
  /** Where to draw; default process.stderr. Nothing is drawn unless it is a TTY. */
  readonly stream?: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

const SILENT: Progress = { update: () => undefined, increment: () => undefined, stop: () => undefined };

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.enabled === false || stream.isTTY !== true) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{label} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total, 0, { label: options.label ?? 'progress' });
  return {
    update: (value, label) => (label === undefined ? bar.update(value) : bar.update(value, { label })),
    increment: (step = 1) => bar.increment(step),
    stop: () => bar.stop(),
  };
}
