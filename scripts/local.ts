/**
 * npm run local -- [workspace] [--verbose] [--keep]
 *
 * Deploys the bootstrap stack and one workspace (dev by default) to a local AWS emulator (moto) that this script
 * starts on a free loopback port and stops again, even when a step fails. The stacks are the same synthesized JSON
 * real AWS gets; only the environment (endpoint, test credentials) differs.
 */
import * as path from "path";
import { loadEnvironments } from "../src/config";
import { deployBootstrapAndWorkspace, StackRun } from "./lib/local-deploy";
import { emulatorEnv, requireMoto, startMoto } from "./lib/moto";
import { LOCAL_DIR, PROJECT_ROOT } from "./lib/paths";
import { requireTerraform, ToolMissingError } from "./lib/terraform";

const USAGE = `Usage: npm run local -- [workspace] [--verbose] [--keep]

Starts the moto AWS emulator on 127.0.0.1, deploys the "bootstrap" stack and then the given workspace
(default: dev) with terraform, plans both again to show there is no drift, prints their outputs and
stops the emulator.

  workspace   a workspace from environments/ (default: dev)
  --verbose   stream terraform's own output
  --keep      keep the work directory (.local/run) afterwards for inspection

Exit codes: 0 deployed with empty second plans; 1 a step failed; 2 usage error or a required tool
(terraform, python3 with moto) is missing; 3 deployed, but a second plan wanted changes.`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const unknown = argv.filter((a) => a.startsWith("-") && !["--verbose", "--keep"].includes(a));
  const positional = argv.filter((a) => !a.startsWith("-"));
  if (unknown.length > 0 || positional.length > 1) {
    console.error(`Unexpected argument(s): ${[...unknown, ...positional.slice(1)].join(" ")}\n\n${USAGE}`);
    return 2;
  }
  const workspaceName = positional[0] ?? "dev";
  const { workspaces, project } = loadEnvironments(path.join(PROJECT_ROOT, "environments"), PROJECT_ROOT);
  const workspace = workspaces.find((w) => w.name === workspaceName);
  if (!workspace) {
    console.error(`No workspace "${workspaceName}"; expected one of ${workspaces.map((w) => w.name).join(", ")}`);
    return 2;
  }

  try {
    const tf = await requireTerraform();
    const moto = requireMoto();
    console.log(`terraform ${tf.version} (${tf.path}); moto ${moto.version} (${moto.python})`);
  } catch (err) {
    if (err instanceof ToolMissingError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }

  const server = await startMoto({ log: console.log });
  const onSignal = () => void server.stop().then(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const workDir = path.join(LOCAL_DIR, "run");
    const result = await deployBootstrapAndWorkspace(workspaceName, {
      env: emulatorEnv(server.endpoint, project.region),
      workDir,
      log: console.log,
      verbose: argv.includes("--verbose"),
    });
    console.log("");
    report(result.bootstrap, `master account ${project.masterAccountId}`);
    report(
      result.workspace,
      `${workspaceName} account ${workspace.accountId}, state in s3://${project.stateBucketName}/${workspace.stateKey}`,
    );
    const clean = result.bootstrap.secondPlanEmpty && result.workspace.secondPlanEmpty;
    console.log(clean ? "Both second plans are empty: no drift." : "A second plan wanted changes (see above).");
    return clean ? 0 : 3;
  } finally {
    await server.stop();
    console.log(`moto server (pid ${server.pid}) stopped.`);
  }
}

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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
