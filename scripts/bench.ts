/**
 * npm run bench -- [--runs N]
 *
 * Prints how long the fast feedback loop takes on this machine: loading and validating the environment files, and
 * a full synth of every stack (main.ts in a fresh process, as `cdktf synth` runs it). Figures only; nothing here
 * passes or fails.
 */
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { loadProjectEnvironments, main, UsageError } from "./lib/cli";
import { synthesizeInto } from "./lib/local-deploy";

const USAGE = `Usage: npm run bench -- [--runs N]

Times environment loading (in process) and a full synth of all stacks (a fresh node process each run,
output to a temporary directory), N runs each (default 5), and prints min / median / max in ms.

Exit codes: 0 printed; 1 a run failed; 2 bad arguments.`;

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `min ${sorted[0].toFixed(0)} ms, median ${median.toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms (${samples.length} runs)`;
}

main({ usage: USAGE, positionals: [], options: { runs: { type: "string", default: "5" } } }, async ({ values }) => {
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new UsageError(`--runs needs a whole number above 0, got "${values.runs}"`);
  console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown"})`);

  const load: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    loadProjectEnvironments();
    load.push(performance.now() - started);
  }
  console.log(`load + validate environments: ${stats(load)}`);

  const synth: number[] = [];
  const outdir = path.join(os.tmpdir(), `cdktf-bench-${process.pid}`);
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await synthesizeInto(outdir);
    synth.push(performance.now() - started);
  }
  console.log(`synth all stacks (fresh process): ${stats(synth)}`);
  return 0;
});
