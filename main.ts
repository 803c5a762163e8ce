import * as path from "path";
import { App } from "cdktf";
import { defaultEnvironmentsDir, loadEnvironments } from "./src/config";
import { BootstrapStack } from "./src/stacks/bootstrap-stack";
import { WorkspaceStack } from "./src/stacks/workspace-stack";

const app = new App();
const { project, workspaces } = loadEnvironments(defaultEnvironmentsDir(__dirname), __dirname);

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

app.synth();
