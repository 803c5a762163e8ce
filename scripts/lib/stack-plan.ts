import * as fs from "fs";
import * as path from "path";
import { Environments, WorkspaceConfig } from "../../src/config";
import { planRoleName, roleArn, stateReadRoleName } from "../../src/naming";
import { DEPLOY_ROLE_VARIABLE } from "../../src/stacks/shared";
import { synthesizeInto } from "./local-deploy";
import { LOCAL_DIR } from "./paths";
import { terraform } from "./terraform";

export interface StackPlanOptions {
  /** Plan as the workspace's CI plan role: state read through the read-only state role, no lock taken. */
  readonly readOnly: boolean;
  /** Where progress and terraform's output go. */
  readonly log: (line: string) => void;
  /** Scratch directory name under .local/ (one per command, so commands do not share a working directory). */
  readonly purpose: string;
}

export interface StackPlan {
  /** The stack's synthesized directory, initialised. */
  readonly dir: string;
  /** True when the plan has changes to apply. */
  readonly changes: boolean;
  /** `terraform show -json` of the saved plan. */
  readonly shown: unknown;
}

/** Synthesizes the stacks into .local/<purpose>/<workspace>, then init and plan one workspace. */
export async function planWorkspace(
  environments: Environments,
  workspace: WorkspaceConfig,
  options: StackPlanOptions,
): Promise<StackPlan> {
  const outdir = path.join(LOCAL_DIR, options.purpose, workspace.name, "cdktf.out");
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  options.log("==> synth");
  await synthesizeInto(outdir);
  const dir = path.join(outdir, "stacks", workspace.name);
  const tf = (args: string[], okCodes?: number[]) => terraform(dir, args, { onLine: options.log, okCodes });
  const init = ["init", "-input=false", "-no-color", "-reconfigure"];
  const plan = ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=plan.tfplan"];
  if (options.readOnly) {
    const { project } = environments;
    const readRole = roleArn(project.masterAccountId, stateReadRoleName(project.project, workspace.name));
    init.push(`-backend-config=assume_role={role_arn="${readRole}"}`);
    plan.push(
      "-lock=false",
      `-var=${DEPLOY_ROLE_VARIABLE}=${roleArn(workspace.accountId, planRoleName(workspace.namePrefix))}`,
    );
  }
  options.log(`==> ${workspace.name}: terraform init`);
  await tf(init);
  options.log(`==> ${workspace.name}: terraform plan${options.readOnly ? " (read-only)" : ""}`);
  const planned = await tf(plan, [0, 2]);
  const shown = await terraform(dir, ["show", "-json", "plan.tfplan"]);
  return { dir, changes: planned.code === 2, shown: JSON.parse(shown.stdout) };
}
