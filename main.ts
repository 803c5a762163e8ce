import * as path from "path";
import { App } from "cdktf";
import { prepareStacksForMirror } from "./scripts/lib/provider-lock";
import { ConfigError, defaultEnvironmentsDir, Environments, loadEnvironments } from "./src/config";
import { refuseSynth, synthesizeOrRefuse } from "./src/config/synth-refusal";
import { speedUpSynth } from "./src/lib/synth-speed";
import { BootstrapStack } from "./src/stacks/bootstrap-stack";
import { WorkspaceStack } from "./src/stacks/workspace-stack";

// Source maps and CDKTF's token creation traces cost a synth half its CPU and change nothing in its output; they stay
// on with --enable-source-maps (or NODE_OPTIONS=--enable-source-maps), for debugging. See src/lib/synth-speed.ts.
speedUpSynth({ execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS });

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
