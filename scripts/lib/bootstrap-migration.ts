/**
 * Moving the bootstrap stack's first, local state into its own bucket, from the checkout where the first apply ran.
 *
 * There `cdktf.out/stacks/bootstrap/.terraform` remembers the local backend, so a plain `terraform init` after the
 * switch to `backend: "s3"` stops with "Backend configuration changed". Terraform's answer is
 * `init -migrate-state -force-copy`: it reads the state through the recorded local backend and writes it to the
 * bucket. A directory with no recorded backend (a fresh synth, another checkout) has nothing to migrate from, so
 * there the local file is pushed once the bucket holds no bootstrap state yet.
 */
import * as fs from "fs";
import * as path from "path";
import { synthesizeInto } from "./local-deploy";
import { terraform } from "./terraform";

/** The local state file main.ts gives the bootstrap stack while its backend is local. */
export const BOOTSTRAP_LOCAL_STATE = "terraform.bootstrap.tfstate";

/** The backend type a stack directory was last initialised with (from `.terraform/terraform.tfstate`). */
export function recordedBackend(stackDir: string): string | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(path.join(stackDir, ".terraform", "terraform.tfstate"), "utf8")) as {
      backend?: { type?: string };
    };
    return record.backend?.type;
  } catch {
    return undefined;
  }
}

/** How the state gets into the bucket, from what the directory remembers. */
export type MigrationPlan = "migrate-state" | "push";

export function migrationPlan(recorded: string | undefined): MigrationPlan {
  return recorded === "local" ? "migrate-state" : "push";
}

export interface MigrationResult {
  readonly how: MigrationPlan | "already-there";
  /** True when the plan after the move has nothing to do. */
  readonly planEmpty: boolean;
  readonly stackDir: string;
}

/**
 * Synthesizes into `<projectRoot>/cdktf.out` (where `npx cdktf deploy bootstrap` ran), moves the state into the
 * bucket and plans. `projectRoot` is the checkout whose `terraform.bootstrap.tfstate` holds the first apply.
 */
export async function migrateBootstrapState(
  projectRoot: string,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<MigrationResult> {
  const outdir = path.join(projectRoot, "cdktf.out");
  const localState = path.join(projectRoot, BOOTSTRAP_LOCAL_STATE);
  log("==> synth");
  await synthesizeInto(outdir, env);
  const dir = path.join(outdir, "stacks", "bootstrap");
  const backendType = (
    JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as {
      terraform?: { backend?: Record<string, unknown> };
    }
  ).terraform?.backend;
  if (!backendType?.s3) {
    throw new Error('the bootstrap stack still has a local backend: set backend: "s3" in environments/bootstrap.ts');
  }
  const tf = (args: string[], okCodes?: number[]) => terraform(dir, args, { env, okCodes });
  const how = migrationPlan(recordedBackend(dir));
  let done: MigrationResult["how"] = how;
  if (how === "migrate-state") {
    log("==> bootstrap: terraform init -migrate-state -force-copy (local state into the bucket)");
    await tf(["init", "-migrate-state", "-force-copy", "-input=false", "-no-color"]);
  } else {
    log("==> bootstrap: terraform init");
    await tf(["init", "-reconfigure", "-input=false", "-no-color"]);
    const remote = (await tf(["state", "pull"])).stdout.trim();
    const remoteResources = remote ? ((JSON.parse(remote) as { resources?: unknown[] }).resources ?? []) : [];
    if (remoteResources.length > 0) {
      log("==> bootstrap: the bucket already holds the bootstrap state; nothing to push");
      done = "already-there";
    } else {
      if (!fs.existsSync(localState)) throw new Error(`no local bootstrap state at ${localState} to move`);
      log(`==> bootstrap: terraform state push ${BOOTSTRAP_LOCAL_STATE}`);
      await tf(["state", "push", localState]);
    }
  }
  log("==> bootstrap: terraform plan");
  const plan = await tf(["plan", "-detailed-exitcode", "-input=false", "-no-color"], [0, 2]);
  return { how: done, planEmpty: plan.code === 0, stackDir: dir };
}
