import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./paths";
import { run } from "./process";
import { terraform } from "./terraform";

/** A stack after its drift check. */
export interface StackRun extends AppliedStack {
  readonly outputs: Record<string, unknown>;
  /** True when the plan after apply had nothing to do. */
  readonly secondPlanEmpty: boolean;
  /** The second plan's text when it was not empty. */
  readonly secondPlan: string;
  readonly secondPlanSeconds: number;
  /** Managed resources in state, counted by type. */
  readonly resources: Record<string, number>;
}

export interface DeployOptions {
  /** Environment pointing at the emulator (see emulatorEnv). */
  readonly env: NodeJS.ProcessEnv;
  /** Directory for the synthesized JSON and the bootstrap's local state; created if missing. */
  readonly workDir: string;
  readonly log: (line: string) => void;
  /** Stream terraform's own output. @default false */
  readonly verbose?: boolean;
}

/** Synthesizes every stack into `<workDir>/cdktf.out` with the project's own entry point. */
export async function synthesize(options: DeployOptions): Promise<string> {
  const outdir = path.join(options.workDir, "cdktf.out");
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(options.workDir, { recursive: true });
  options.log("==> synth: main.ts");
  await synthesizeInto(outdir, options.env);
  return outdir;
}

/**
 * Runs the project's entry point in a fresh process, writing every stack to `outdir` (as `cdktf synth` does), the
 * way cdktf.json runs it: node with tsx's loader, one process (the `tsx` command would start a second one).
 */
export async function synthesizeInto(outdir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await run(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...env, CDKTF_OUTDIR: outdir },
  });
}

/** A stack after `terraform init` and `terraform apply`, before its drift check. */
export interface AppliedStack {
  readonly stack: string;
  readonly directory: string;
  /** How long `terraform init` and `terraform apply` took. */
  readonly initSeconds: number;
  readonly applySeconds: number;
  /** The resources that took longest to create, as the provider reported them ("Creation complete after"). */
  readonly slowestCreates: { readonly address: string; readonly seconds: number }[];
}

const since = (started: number) => (Date.now() - started) / 1000;

function stackTerraform(dir: string, stack: string, options: DeployOptions) {
  const onLine = options.verbose ? (line: string) => options.log(`    [${stack}] ${line}`) : undefined;
  return (args: string[], okCodes?: number[]) => terraform(dir, args, { env: options.env, onLine, okCodes });
}

/**
 * init and apply for one synthesized stack. `backendConfig` overrides backend settings at init (used to keep the
 * bootstrap's local state inside the work directory instead of the project root).
 */
export async function applyStack(
  outdir: string,
  stack: string,
  options: DeployOptions,
  backendConfig: Record<string, string> = {},
): Promise<AppliedStack> {
  const dir = path.join(outdir, "stacks", stack);
  if (!fs.existsSync(path.join(dir, "cdk.tf.json"))) throw new Error(`no synthesized stack "${stack}" in ${outdir}`);
  const tf = stackTerraform(dir, stack, options);

  options.log(`==> ${stack}: terraform init`);
  const initStarted = Date.now();
  await tf([
    "init",
    "-input=false",
    "-no-color",
    ...Object.entries(backendConfig).map(([k, v]) => `-backend-config=${k}=${v}`),
  ]);
  const initSeconds = since(initStarted);
  options.log(`==> ${stack}: terraform apply`);
  const started = Date.now();
  const applied = await tf(["apply", "-auto-approve", "-input=false", "-no-color"]);
  const applySeconds = since(started);
  options.log(`==> ${stack}: applied in ${applySeconds.toFixed(1)} s`);
  return {
    stack,
    directory: dir,
    initSeconds,
    applySeconds,
    slowestCreates: creationTimes(applied.stdout).slice(0, 5),
  };
}

/** The drift check of an applied stack: a second plan (which must be empty), then its outputs and resources. */
export async function checkStack(applied: AppliedStack, options: DeployOptions): Promise<StackRun> {
  const { stack, directory } = applied;
  const tf = stackTerraform(directory, stack, options);
  options.log(`==> ${stack}: planning again to check for drift`);
  const planStarted = Date.now();
  const plan = await tf(["plan", "-detailed-exitcode", "-input=false", "-no-color"], [0, 2]);
  const secondPlanSeconds = since(planStarted);
  const secondPlanEmpty = plan.code === 0;
  options.log(`==> ${stack}: second plan ${secondPlanEmpty ? "shows no changes" : "WANTS CHANGES"}`);
  const output = await tf(["output", "-json", "-no-color"]);
  const outputs = Object.fromEntries(
    Object.entries(JSON.parse(output.stdout) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]),
  );
  const listed = await tf(["state", "list"]);
  const resources: Record<string, number> = {};
  for (const address of listed.stdout.split("\n")) {
    const type = /^(aws_[a-z0-9_]+)\./.exec(address)?.[1];
    if (type) resources[type] = (resources[type] ?? 0) + 1;
  }
  return {
    ...applied,
    outputs,
    secondPlanEmpty,
    secondPlan: secondPlanEmpty ? "" : plan.stdout,
    secondPlanSeconds,
    resources,
  };
}

/** init, apply and a second plan for one synthesized stack (see applyStack for `backendConfig`). */
export async function deployStack(
  outdir: string,
  stack: string,
  options: DeployOptions,
  backendConfig: Record<string, string> = {},
): Promise<StackRun> {
  return checkStack(await applyStack(outdir, stack, options, backendConfig), options);
}

/** "aws_lb.x: Creation complete after 1m2s [id=...]" lines of an apply, slowest first. */
export function creationTimes(applyOutput: string): { address: string; seconds: number }[] {
  const times: { address: string; seconds: number }[] = [];
  for (const match of applyOutput.matchAll(/^(\S+): Creation complete after (?:(\d+)m)?(?:(\d+)s)?/gm)) {
    times.push({ address: match[1], seconds: Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0) });
  }
  return times.sort((a, b) => b.seconds - a.seconds);
}

export interface LocalDeployResult {
  readonly outdir: string;
  readonly synthSeconds: number;
  readonly bootstrap: StackRun;
  readonly workspace: StackRun;
}

/**
 * The main job: synth, then bootstrap, then one workspace, each followed by a drift check. The bootstrap's drift
 * check runs alongside the workspace's deploy: it only reads what the bootstrap created (its own local state, the
 * bucket, table and roles), and the workspace needs no more than that they exist.
 */
export async function deployBootstrapAndWorkspace(
  workspace: string,
  options: DeployOptions,
): Promise<LocalDeployResult> {
  const synthStarted = Date.now();
  const outdir = await synthesize(options);
  const synthSeconds = since(synthStarted);
  const bootstrapApplied = await applyStack(outdir, "bootstrap", options, {
    path: path.join(options.workDir, "bootstrap.tfstate"),
  });
  // Both run to the end before an error is reported, so no terraform is left running against a stopped emulator.
  const [bootstrap, ws] = await Promise.allSettled([
    checkStack(bootstrapApplied, options),
    deployStack(outdir, workspace, options),
  ]);
  if (bootstrap.status === "rejected") throw bootstrap.reason;
  if (ws.status === "rejected") throw ws.reason;
  return { outdir, synthSeconds, bootstrap: bootstrap.value, workspace: ws.value };
}
