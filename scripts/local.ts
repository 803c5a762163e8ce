/**
 * npm run local -- [workspace] [--verbose] [--keep]
 *
 * Deploys the bootstrap stack and one workspace (dev by default) to a local AWS emulator (moto) that this script
 * starts on a free loopback port and stops again, even when a step fails. The stacks are the same synthesized JSON
 * real AWS gets; only the environment (endpoint, test credentials) differs.
 */
import * as fs from "fs";
import * as path from "path";
import { findWorkspace, loadProjectEnvironments, main } from "./lib/cli";
import { deployBootstrapAndWorkspace, StackRun } from "./lib/local-deploy";
import { emulatorEnv, requireMoto, startMoto } from "./lib/moto";
import { LOCAL_DIR } from "./lib/paths";
import { requireTerraform } from "./lib/terraform";

const USAGE = `Usage: npm run local -- [workspace] [--verbose] [--keep]

Starts the moto AWS emulator on 127.0.0.1, deploys the "bootstrap" stack and then the given workspace
(default: dev) with terraform, plans both again to show there is no drift, prints their outputs and
stops the emulator.

  workspace   a workspace from environments/ (default: dev)
  --verbose   stream terraform's own output
  --keep      keep the work directory (.local/run: synthesized JSON, plans) afterwards; the emulator's
              resources are gone either way (it keeps everything in memory)

Exit codes: 0 deployed with empty second plans; 1 a step failed; 2 usage error, an invalid environment
file or a required tool (terraform, python3 with moto) is missing; 3 deployed, but a second plan wanted
changes.`;

main(
  {
    usage: USAGE,
    positionals: ["workspace"],
    required: 0,
    options: { verbose: { type: "boolean" }, keep: { type: "boolean" } },
  },
  async ({ positionals, values }) => {
    const environments = loadProjectEnvironments();
    const { project } = environments;
    const workspace = findWorkspace(environments, positionals[0] ?? "dev");
    const tf = await requireTerraform();
    const moto = requireMoto();
    console.log(`terraform ${tf.version} (${tf.path}); moto ${moto.version} (${moto.python})`);

    const server = await startMoto({ log: console.log });
    const onSignal = () => void server.stop().then(() => process.exit(130));
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const workDir = path.join(LOCAL_DIR, "run");
    try {
      const result = await deployBootstrapAndWorkspace(workspace.name, {
        env: emulatorEnv(server.endpoint, project.region),
        workDir,
        log: console.log,
        verbose: values.verbose ?? false,
      });
      console.log("");
      report(result.bootstrap, `master account ${project.masterAccountId}`);
      report(
        result.workspace,
        `${workspace.name} account ${workspace.accountId}, state in s3://${project.stateBucketName}/${workspace.stateKey}`,
      );
      const clean = result.bootstrap.secondPlanEmpty && result.workspace.secondPlanEmpty;
      console.log(clean ? "Both second plans are empty: no drift." : "A second plan wanted changes (see above).");
      return clean ? 0 : 3;
    } finally {
      await server.stop();
      console.log(`moto server (pid ${server.pid}) stopped.`);
      if (values.keep) console.log(`Work directory kept: ${workDir}`);
      else fs.rmSync(workDir, { recursive: true, force: true });
    }
  },
);

function report(run: StackRun, where: string): void {
  const total = Object.values(run.resources).reduce((a, b) => a + b, 0);
  console.log(`--- ${run.stack} (${where}); ${total} resources, applied in ${run.applySeconds.toFixed(1)} s`);
  const byType = Object.entries(run.resources).sort(([a], [b]) => a.localeCompare(b));
  console.log(`  created: ${byType.map(([type, n]) => `${type.replace(/^aws_/, "")} ${n}`).join(", ")}`);
  for (const [name, value] of Object.entries(run.outputs)) {
    console.log(`  ${name} = ${JSON.stringify(value, null, 2).split("\n").join("\n    ")}`);
  }
  if (!run.secondPlanEmpty) console.log(`  second plan:\n${run.secondPlan}`);
}
