/**
 * The workspaces the end-to-end tests deploy (test/environments/<set>) load and synthesize without a refusal, so a
 * change that would stop them fails here in seconds rather than minutes into a deploy.
 */
import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { loadEnvironments } from "../../src/config";
import { WorkspaceStack } from "../../src/stacks/workspace-stack";
import { PROJECT_ROOT } from "../../test/stacks";

const SETS_DIR = path.join(PROJECT_ROOT, "test", "environments");
const sets = fs
  .readdirSync(SETS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

test("the end-to-end workspace sets are found", () => {
  expect(sets.length).toBeGreaterThanOrEqual(2);
});

describe.each(sets)("test/environments/%s", (set) => {
  const environments = loadEnvironments(path.join(SETS_DIR, set), PROJECT_ROOT);

  test.each(environments.workspaces.map((ws) => ws.name))("%s synthesizes with no security finding left", (name) => {
    const workspace = environments.workspaces.find((ws) => ws.name === name)!;
    const stack = new WorkspaceStack(Testing.app(), name, { project: environments.project, workspace });
    Testing.synth(stack);
    expect(stack.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => String(m.data))).toEqual([]);
  });
});
