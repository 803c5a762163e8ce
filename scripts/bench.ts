/**
 * npm run bench -- [--runs N] [--sizes 2,10,30] [--unit] [--deploy [--release]] [--plans]
 *
 * Prints how long the feedback loops take on this machine: loading the environment files, a synth by the app alone
 * and through `npx cdktf synth`, synth of workspaces of growing size, and (with flags) the unit suite, a local
 * deploy split by phase, and no-op plans of the grown workspaces. Figures only; nothing here passes or fails.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { describeSamples, parseTimeLine, ratio, Sample, TIME_FORMAT, writeScaledEnvironments } from "./lib/bench";
import { loadProjectEnvironments, main, UsageError } from "./lib/cli";
import { deployBootstrapAndWorkspace, StackRun } from "./lib/local-deploy";
import { emulatorEnv, requireMoto, startMoto } from "./lib/moto";
import { bin, PROJECT_ROOT } from "./lib/paths";
import { timeRelease } from "./lib/bench-release";
import { requireTerraform, terraformEnv } from "./lib/terraform";

const USAGE = `Usage: npm run bench -- [--runs N] [--sizes 2,10,30] [--unit] [--deploy [--release]] [--plans]

Always (a few minutes on 2 cores):
  - loading and validating the environment files (in process);
  - a synth of every stack by the app alone (node --import tsx main.ts, what cdktf.json runs) and through
    \`npx cdktf synth\`, each in fresh processes, and the ratio of their medians;
  - a synth of workspaces of each size (services generated from environments/dev.ts, in a temporary
    ENVIRONMENTS_DIR), and the ratio of the largest to the smallest.
Wall clock and CPU (user + system, the process and its children) are printed; on a busy machine CPU is the
steadier figure.

  --runs N      fresh processes per figure (default 5); the median is reported
  --sizes LIST  service counts of the generated workspaces (default 2,10,30)
  --unit        also time the unit suite (jest --selectProjects unit), once; slow
  --deploy      also deploy bootstrap and dev to the local emulator (moto) and print each phase (synth, init,
                apply and the second plan per stack) next to the slowest resource creations the provider
                waited for; several minutes
  --plans       also deploy each generated size to the emulator and time its no-op plan (the second plan);
                several minutes per size
  --release     with --deploy: then release dev's web service three times and time each, from the command's
                start to the deployment reported COMPLETED (the emulator completes a deployment
                MOTO_ECS_DEPLOYMENT_SECONDS after it starts: 2 s here, plus the release command's first poll)

Exit codes: 0 printed; 1 a run failed; 2 bad arguments or a missing tool.`;

/** Runs a command to completion, timed; GNU time adds the CPU of the command and its children when installed. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Sample {
  const gnuTime = fs.existsSync("/usr/bin/time");
  const started = performance.now();
  const result = gnuTime
    ? spawnSync("/usr/bin/time", ["-f", TIME_FORMAT, command, ...args], { cwd: PROJECT_ROOT, env, encoding: "utf8" })
    : spawnSync(command, args, { cwd: PROJECT_ROOT, env, encoding: "utf8" });
  const wallMs = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(" ")}\` exited with ${result.status}:\n${result.stderr.slice(-2000)}`);
  }
  const measured = gnuTime ? parseTimeLine(result.stderr) : undefined;
  return { wallMs, cpuMs: measured?.cpuMs };
}

function repeat(runs: number, sample: () => Sample): Sample[] {
  return Array.from({ length: runs }, sample);
}

const seconds = (s: number) => `${s.toFixed(1)} s`;
const times = (slow: number, fast: number) => `${(slow / fast).toFixed(2)}x`;

main(
  {
    usage: USAGE,
    positionals: [],
    options: {
      runs: { type: "string", default: "5" },
      sizes: { type: "string", default: "2,10,30" },
      unit: { type: "boolean" },
      deploy: { type: "boolean" },
      plans: { type: "boolean" },
      release: { type: "boolean" },
    },
  },
  async ({ values }) => {
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1)
      throw new UsageError(`--runs needs a whole number above 0, got "${values.runs}"`);
    const sizes = String(values.sizes)
      .split(",")
      .map((s) => Number(s.trim()));
    if (sizes.some((n) => !Number.isInteger(n) || n < 2)) {
      throw new UsageError(`--sizes needs service counts of 2 or more separated by commas, got "${values.sizes}"`);
    }
    if (values.release && !values.deploy) throw new UsageError("--release needs --deploy");
    const cpus = os.cpus();
    console.log(
      `${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cpus.length} cores (${cpus[0]?.model ?? "unknown"}), load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );

    const load: Sample[] = repeat(runs, () => {
      const started = performance.now();
      loadProjectEnvironments();
      return { wallMs: performance.now() - started };
    });
    console.log(`load + validate environments (in process): ${describeSamples(load)}`);

    const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    const env = terraformEnv({ ...process.env });
    const app = (dir = path.join(PROJECT_ROOT, "environments")) =>
      timed(process.execPath, ["--import", "tsx", "main.ts"], {
        ...env,
        ENVIRONMENTS_DIR: dir,
        CDKTF_OUTDIR: path.join(work, "app.out"),
      });
    try {
      const alone = repeat(runs, () => app());
      console.log(`synth, app alone (node --import tsx main.ts): ${describeSamples(alone)}`);
      const cli = repeat(runs, () => timed("npx", ["cdktf", "synth", "--output", path.join(work, "cli.out")], env));
      console.log(`synth, npx cdktf synth: ${describeSamples(cli)}`);
      console.log(`  cdktf synth / app alone: ${ratio(cli, alone)}`);

      const bySize = new Map<number, Sample[]>();
      const dirs = new Map<number, string>();
      for (const size of sizes) {
        const dir = writeScaledEnvironments(size);
        dirs.set(size, dir);
        const samples = repeat(runs, () => app(dir));
        bySize.set(size, samples);
        console.log(`synth, bootstrap + dev with ${size} services (app alone): ${describeSamples(samples)}`);
      }
      const [smallest, largest] = [Math.min(...sizes), Math.max(...sizes)];
      if (smallest !== largest) {
        console.log(`  ${largest} services / ${smallest}: ${ratio(bySize.get(largest)!, bySize.get(smallest)!)}`);
      }

      if (values.unit) {
        const unit = timed(bin("jest"), ["--selectProjects", "unit", "--silent"], env);
        console.log(`unit suite (jest --selectProjects unit, once): ${describeSamples([unit])}`);
      }
      if (values.deploy) {
        await deploy(
          "dev",
          path.join(PROJECT_ROOT, "environments"),
          path.join(work, "deploy"),
          "dev",
          !!values.release,
        );
      }
      if (values.plans) {
        for (const size of sizes) {
          await deploy("dev", dirs.get(size)!, path.join(work, `plans-${size}`), `dev with ${size} services`);
        }
      }
      for (const dir of dirs.values()) fs.rmSync(dir, { recursive: true, force: true });
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    return 0;
  },
);

/** A local deploy of bootstrap and one workspace on a fresh emulator, printed by phase. */
async function deploy(
  workspace: string,
  environmentsDir: string,
  workDir: string,
  label = workspace,
  release = false,
): Promise<void> {
  await requireTerraform();
  requireMoto();
  const environments = loadProjectEnvironments();
  const { project } = environments;
  const server = await startMoto({ log: () => undefined, env: { MOTO_ECS_DEPLOYMENT_SECONDS: "2" } });
  try {
    const started = performance.now();
    const result = await deployBootstrapAndWorkspace(workspace, {
      env: { ...emulatorEnv(server.endpoint, project.region), ENVIRONMENTS_DIR: environmentsDir },
      workDir,
      log: () => undefined,
    });
    const total = (performance.now() - started) / 1000;
    const { bootstrap, workspace: ws } = result;
    // The bootstrap's second plan runs alongside the workspace's deploy: it is not on the path.
    const onPath = [
      bootstrap.initSeconds,
      bootstrap.applySeconds,
      ws.initSeconds,
      ws.applySeconds,
      ws.secondPlanSeconds,
    ];
    const rest = total - onPath.reduce((a, b) => a + b, result.synthSeconds);
    console.log(`local deploy, ${label}: ${seconds(total)} in all; synth ${seconds(result.synthSeconds)}`);
    printStack(bootstrap, `, alongside ${ws.stack}'s deploy`);
    printStack(ws);
    console.log(`  outputs, state lists and the rest: ${seconds(rest)}`);
    // Each stack's apply lasts at least as long as its slowest creation, and the stacks apply one after the other.
    const waits = [bootstrap, ws].map((s) => s.slowestCreates[0]).filter((c) => c !== undefined);
    const floor = waits.reduce((sum, c) => sum + c.seconds, 0);
    if (floor > 0) {
      const applies = bootstrap.applySeconds + ws.applySeconds;
      console.log(
        `  provider-wait floor: ${waits.map((c) => `${c.address} ${c.seconds} s`).join(" + ")} = ${seconds(floor)}; ` +
          `the applies ${seconds(applies)} (${times(applies, floor)}), the whole deploy ${times(total, floor)}`,
      );
    }
    if (release) {
      Object.assign(process.env, emulatorEnv(server.endpoint, project.region));
      const samples: Sample[] = [];
      for (let i = 0; i < 3; i++) {
        const timed = await timeRelease(environments, workspace, "web");
        if (timed.exitCode !== 0) throw new Error(`the release of ${timed.tag} ended with exit ${timed.exitCode}`);
        samples.push({ wallMs: timed.seconds * 1000 });
      }
      console.log(`release of ${workspace}/web on the emulator, tag to COMPLETED: ${describeSamples(samples)}`);
    }
  } finally {
    await server.stop();
  }
}

function printStack(run: StackRun, planNote = ""): void {
  const count = Object.values(run.resources).reduce((a, b) => a + b, 0);
  console.log(
    `  ${run.stack} (${count} resources): init ${seconds(run.initSeconds)}, apply ${seconds(run.applySeconds)}, ` +
      `second plan ${seconds(run.secondPlanSeconds)}${planNote} (${run.secondPlanEmpty ? "no changes" : "WANTS CHANGES"})`,
  );
  if (run.slowestCreates.length > 0) {
    const slowest = run.slowestCreates.slice(0, 3).map((c) => `${c.address} ${c.seconds} s`);
    console.log(`    slowest creations (provider waits): ${slowest.join(", ")}`);
  }
}
