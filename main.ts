import * as path from "path";
import { App } from "cdktf";
import { prepareStacksForMirror } from "./scripts/lib/provider-lock";
import { ConfigError, defaultEnvironmentsDir, Environments, loadEnvironments } from "./src/config";
import { refuseSynth, synthesizeOrRefuse } from "./src/config/synth-refusal";
import { BootstrapStack } from "./src/stacks/bootstrap-stack";
import { WorkspaceStack } from "./src/stacks/workspace-stack";

// CDKTF records a full stack trace for every token it creates; with source maps on (tsx turns them on), each frame
// of each trace is looked up in them, a third of a synth's CPU. Errors keep their JavaScript positions; run with
// --enable-source-maps (or NODE_OPTIONS=--enable-source-maps) for TypeScript ones.
const sourceMapsAsked = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((a) =>
  a.includes("--enable-source-maps"),
);
if (!sourceMapsAsked) process.setSourceMapsEnabled(false);

const app = new App();
let environments: Environments | undefined;
try {
  environments = loadEnvironments(defaultEnvironmentsDir(__dirname), __dirname);
} catch (err) {
  // A wrong environment file is the person's to fix: one message, no stack trace, nothing stale left to deploy.
  if (!(err instanceof ConfigError)) throw err;
  process.exitCode = refuseSynth(app.outdir, err);
}

if (environments) {
  const { project, workspaces } = environments;
  // The bootstrap's local state lives at the project root, outside cdktf.out (which every synth rewrites).
  const bootstrapStackDir = path.join(path.resolve(app.outdir), "stacks", "bootstrap");
  new BootstrapStack(app, "bootstrap", {
    project,
    workspaces,
    localStatePath: path.relative(bootstrapStackDir, path.join(__dirname, "terraform.bootstrap.tfstate")),
  });
  for (const workspace of workspaces) {
    new WorkspaceStack(app, workspace.name, { project, workspace, workspaces });
  }
  process.exitCode = synthesizeOrRefuse(app);
  // On a machine that installs providers from a local mirror, `npx cdktf deploy` works on its first run too.
  if (process.exitCode === 0) prepareStacksForMirror(app.outdir);
}
