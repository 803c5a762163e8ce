/**
 * What a synth spends on debugging aids nobody reads unless something breaks, and how the app turns them off.
 *
 * - Source maps: tsx turns them on, and CDKTF records a stack trace for every token it creates; each frame of each
 *   trace was then looked up in the source maps, a third of a synth's CPU.
 * - Token creation traces: CDKTF captures a full stack trace (no depth limit) for every token it creates, kept only
 *   to name where a token came from when it cannot be resolved. For a workspace of 30 services that is about a
 *   tenth of a synth's CPU and most of what each added service costs. The synthesized JSON is the same either way.
 *
 * Both stay on when the person asked for source maps (`--enable-source-maps`, or in NODE_OPTIONS): that is the
 * switch for debugging a synth, with TypeScript positions and CDKTF's "Object creation stack" in its errors.
 */

/** CDKTF's private module that captures the traces: its export is looked up at every call, so replacing it works. */
const TOKEN_TRACE_MODULE = "cdktf/lib/tokens/private/stack-trace";

export interface SynthSpeedOptions {
  /** The Node arguments of this process (process.execArgv). */
  readonly execArgv: readonly string[];
  /** NODE_OPTIONS of this process. */
  readonly nodeOptions?: string;
}

/** True when the person asked for source maps, i.e. is debugging. */
export function debuggingAsked(options: SynthSpeedOptions): boolean {
  return [...options.execArgv, options.nodeOptions ?? ""].some((a) => a.includes("--enable-source-maps"));
}

/**
 * Turns source maps and CDKTF's token creation traces off unless the person is debugging (see above). Returns a
 * function that turns them back on as they were (for tests).
 */
export function speedUpSynth(options: SynthSpeedOptions): () => void {
  if (debuggingAsked(options)) return () => undefined;
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const traces = require(TOKEN_TRACE_MODULE) as { captureStackTrace: (below?: unknown) => string[] };
  const capture = traces.captureStackTrace;
  traces.captureStackTrace = () => [];
  return () => {
    traces.captureStackTrace = capture;
    process.setSourceMapsEnabled(sourceMaps);
  };
}
