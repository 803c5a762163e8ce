/**
 * npm run plan -- <stack> [--read-only] [--summary-file FILE]
 *
 * A Terraform plan of one stack from freshly synthesized JSON, with a short summary: what the pull-request workflow
 * comments and what a person reviews before `npx cdktf deploy`.
 */
import * as fs from "fs";
import * as path from "path";
import { planRoleName, roleArn, stateReadRoleName } from "../src/naming";
import { DEPLOY_ROLE_VARIABLE } from "../src/stacks/shared";
import { AWS_OPTIONS, findWorkspace, loadProjectEnvironments, main, UsageError } from "./lib/cli";
import { synthesizeInto } from "./lib/local-deploy";
import { LOCAL_DIR } from "./lib/paths";
import { summarizePlan, summaryLine, summaryMarkdown } from "./lib/plan-summary";
import { requireTerraform, terraform } from "./lib/terraform";

const USAGE = `Usage: npm run plan -- <stack> [--read-only] [--summary-file FILE] [--no-assume-role]

Synthesizes the stacks, then runs terraform init and plan for one stack (bootstrap or a workspace), prints
the plan and a one-line summary, and with --summary-file writes a Markdown summary (changes by action and
resource, and what changed outside Terraform since the last apply).

  stack              bootstrap, or a workspace from environments/
  --read-only        plan as the workspace's CI plan role (the credentials you run with, e.g. from GitHub's
                     OIDC): state read through the read-only state role, no lock taken (-lock=false), the
                     provider assuming the plan role instead of the deploy role. Nothing can be written.
  --summary-file F   also write the Markdown summary to F
  --no-assume-role   accepted for symmetry with the other commands: terraform itself assumes the roles the
                     stack names, starting from the credentials you run with

Exit codes: 0 no changes; 3 changes to apply; 1 terraform failed; 2 usage error or an invalid
environment file.`;

main(
  {
    usage: USAGE,
    positionals: ["stack"],
    options: { ...AWS_OPTIONS, "read-only": { type: "boolean" }, "summary-file": { type: "string" } },
  },
  async ({ positionals, values }) => {
    const [stack] = positionals;
    const environments = loadProjectEnvironments();
    const { project } = environments;
    const workspace = stack === "bootstrap" ? undefined : findWorkspace(environments, stack);
    const readOnly = values["read-only"] ?? false;
    if (readOnly && !workspace?.ci) {
      throw new UsageError(
        workspace
          ? `--read-only needs the workspace's CI plan role: add a ci section to ${workspace.file}`
          : "--read-only is for workspaces (the bootstrap stack has no read-only role)",
      );
    }
    await requireTerraform();
    const outdir = path.join(LOCAL_DIR, "plan", stack, "cdktf.out");
    fs.rmSync(outdir, { recursive: true, force: true });
    console.log(`==> synth`);
    await synthesizeInto(outdir);
    const dir = path.join(outdir, "stacks", stack);
    const tf = (args: string[], okCodes?: number[]) =>
      terraform(dir, args, { onLine: (line) => console.log(line), okCodes });

    const init = ["init", "-input=false", "-no-color", "-reconfigure"];
    const plan = ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=plan.tfplan"];
    if (readOnly && workspace) {
      const readRole = roleArn(project.masterAccountId, stateReadRoleName(project.project, workspace.name));
      init.push(`-backend-config=assume_role={role_arn="${readRole}"}`);
      plan.push(
        "-lock=false",
        `-var=${DEPLOY_ROLE_VARIABLE}=${roleArn(workspace.accountId, planRoleName(workspace.namePrefix))}`,
      );
    }
    console.log(`==> ${stack}: terraform init`);
    await tf(init);
    console.log(`==> ${stack}: terraform plan${readOnly ? " (read-only)" : ""}`);
    const planned = await tf(plan, [0, 2]);
    const shown = await terraform(dir, ["show", "-json", "plan.tfplan"]);
    const summary = summarizePlan(JSON.parse(shown.stdout));
    console.log(`\n${stack}: ${summaryLine(summary)}`);
    if (values["summary-file"]) fs.writeFileSync(values["summary-file"], summaryMarkdown(stack, summary));
    return planned.code === 0 ? 0 : 3;
  },
);
