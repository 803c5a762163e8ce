import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { BOOTSTRAP_FILE, validateProject, validateWorkspace } from "../../src/config";
import { PROJECT_ROOT, realEnvironments, resourcesOf, synthWorkspace } from "../../test/stacks";
import { keysWhere } from "../../test/terraform";

// The shipped environment files, whatever they are: each loads, synthesizes valid Terraform and matches its
// reviewed snapshot. What a construct or stack does with a configuration is tested on fixtures elsewhere.
const ENVIRONMENTS_DIR = path.join(PROJECT_ROOT, "environments");
const files = fs
  .readdirSync(ENVIRONMENTS_DIR)
  .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
  .sort();
const environments = realEnvironments();

function defaultExport(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(ENVIRONMENTS_DIR, file)) as { default?: unknown }).default;
}

describe("environments/", () => {
  test.each(files)("%s loads as a valid configuration on its own", (file) => {
    const display = `environments/${file}`;
    if (file === BOOTSTRAP_FILE) {
      expect(() => validateProject(defaultExport(file), display)).not.toThrow();
    } else {
      expect(() => validateWorkspace(defaultExport(file), display, environments.project)).not.toThrow();
    }
  });

  test("the workspace files load together as one set: every file a workspace, names unique, peers disjoint", () => {
    expect(environments.workspaces.map((ws) => ws.file).sort()).toEqual(
      files.filter((f) => f !== BOOTSTRAP_FILE).map((f) => `environments/${f}`),
    );
  });
});

describe.each(environments.workspaces.map((ws) => ws.name))("environments/%s.ts", (name) => {
  const { json, parsed, stack } = synthWorkspace(name);

  test("synthesizes valid Terraform", () => {
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });

  test("synthesizes the reviewed snapshot", () => {
    expect(json).toMatchSnapshot();
  });

  test("writes no secret value into the stack", () => {
    expect(resourcesOf(parsed, "aws_secretsmanager_secret_version")).toEqual([]);
  });

  test("sets no password anywhere in the stack", () => {
    const allowed = (key: string) => key === "manage_master_user_password" || key.startsWith("master_user_secret");
    expect(keysWhere(parsed, (key) => /password/i.test(key) && !allowed(key))).toEqual([]);
  });
});
