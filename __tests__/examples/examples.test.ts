/**
 * Every scenario under examples/ is a complete set of environment files: it loads, and every stack it makes
 * synthesizes to Terraform that `terraform validate` accepts.
 */
import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { loadEnvironments } from "../../src/config";
import { WorkspaceStack } from "../../src/stacks/workspace-stack";
import { PROJECT_ROOT } from "../../test/stacks";
import { validateTogether } from "../../test/validate";

// One terraform init + validate for all of them.
jest.setTimeout(120_000);

const EXAMPLES_DIR = path.join(PROJECT_ROOT, "examples");
const scenarios = fs
  .readdirSync(EXAMPLES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

test("the documented scenarios are all there", () => {
  expect(scenarios).toEqual([
    "ec2-capacity",
    "existing-certificate",
    "internal-worker",
    "mysql",
    "no-nat-endpoints",
    "shared-registry",
    "thirty-services",
  ]);
});

const synthesized: Record<string, string> = {};

describe.each(scenarios)("examples/%s", (scenario) => {
  const dir = path.join(EXAMPLES_DIR, scenario);
  const environments = loadEnvironments(dir, PROJECT_ROOT);

  test("explains itself at the top of each workspace file", () => {
    for (const ws of environments.workspaces) {
      expect(fs.readFileSync(path.join(PROJECT_ROOT, ws.file), "utf8")).toMatch(/\n\/\*\*\n \* \S/);
    }
  });

  test.each(environments.workspaces.map((ws) => ws.name))("the %s stack synthesizes", (name) => {
    const workspace = environments.workspaces.find((ws) => ws.name === name)!;
    const stack = new WorkspaceStack(Testing.app(), name, { project: environments.project, workspace });
    synthesized[`${scenario}_${name}`] = Testing.synth(stack);
    expect(JSON.parse(synthesized[`${scenario}_${name}`]).resource.aws_vpc).toBeDefined();
    // No finding of the security controls left without a waiver (`cdktf synth` would refuse the stack).
    expect(stack.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => String(m.data))).toEqual([]);
  });
});

test("every example stack is valid Terraform (terraform validate)", () => {
  expect(Object.keys(synthesized).length).toBeGreaterThanOrEqual(scenarios.length);
  expect(validateTogether(synthesized)).toEqual({ valid: true, errors: [] });
});
