/**
 * npm run bench -- [--runs N]
 *
 * Prints how long the fast feedback loop takes on this machine: loading and validating the environment files, and
 * a full synth of every stack (main.ts in a fresh process, as `cdktf synth` runs it). Figures only; nothing here
 * passes or fails.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { loadProjectEnvironments, main, UsageError } from "./lib/cli";
import { deployBootstrapAndWorkspace, synthesizeInto } from "./lib/local-deploy";
import { timeRelease } from "./lib/bench-release";
import { emulatorEnv, startMoto } from "./lib/moto";

const USAGE = `Usage: npm run bench -- [--runs N] [--release]

Times environment loading (in process) and a full synth of all stacks (a fresh node process each run,
output to a temporary directory), N runs each (default 5), and prints min / median / max in ms.

  --release   also deploy bootstrap and dev to the emulator and time a release of dev's web service, from the
              command's start to the deployment reported COMPLETED (the emulator completes a deployment
              MOTO_ECS_DEPLOYMENT_SECONDS after it starts: 2 s here)

Exit codes: 0 printed; 1 a run failed; 2 bad arguments.`;

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `min ${sorted[0].toFixed(0)} ms, median ${median.toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms (${samples.length} runs)`;
}

main(
  { usage: USAGE, positionals: [], options: { runs: { type: "string", default: "5" }, release: { type: "boolean" } } },
  async ({ values }) => {
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

    if (values.release) {
      const server = await startMoto({ env: { MOTO_ECS_DEPLOYMENT_SECONDS: "2" } });
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-release-"));
      try {
        const environments = loadProjectEnvironments();
        const env = emulatorEnv(server.endpoint, environments.project.region);
        await deployBootstrapAndWorkspace("dev", { env, workDir, log: () => undefined });
        Object.assign(process.env, env);
        const samples: number[] = [];
        for (let i = 0; i < Math.min(runs, 3); i++) {
          const release = await timeRelease(environments, "dev", "web");
          if (release.exitCode !== 0)
            throw new Error(`the release of ${release.tag} ended with exit ${release.exitCode}`);
          samples.push(release.seconds * 1000);
        }
        console.log(`release of dev/web on the emulator, tag to COMPLETED: ${stats(samples)}`);
      } finally {
        await server.stop();
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    }
    return 0;
  },
);
