import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { BOOTSTRAP_FILE, validateProject, validateWorkspace } from "../../src/config";
import { CONTROLS } from "../../src/policy/controls";
import { flows, rulesOf, securityGroupNamed } from "../../test/security-groups";
import { PROJECT_ROOT, realEnvironments, refTarget, resourcesOf, synthWorkspaceStack } from "../../test/stacks";
import { configAt, keysWhere, onlyAddress } from "../../test/terraform";

// The shipped environment files, whatever they are: each loads, synthesizes valid Terraform and matches its
// reviewed snapshot; then the few choices dev and prod make that matter for cost and safety. What a construct or
// stack does with a configuration is tested on fixtures elsewhere.
const ENVIRONMENTS_DIR = path.join(PROJECT_ROOT, "environments");
const files = fs
  .readdirSync(ENVIRONMENTS_DIR)
  .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
  .sort();
const environments = realEnvironments();
/** Each shipped workspace's stack, synthesized once for every test below. */
const stacks = new Map(environments.workspaces.map((ws) => [ws.name, synthWorkspaceStack(environments.project, ws)]));

function shipped(name: string) {
  const workspace = environments.workspaces.find((ws) => ws.name === name);
  const synthesized = stacks.get(name);
  if (!workspace || !synthesized) throw new Error(`environments/${name}.ts is not a workspace`);
  return { workspace, ...synthesized };
}

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
  const { json, parsed, stack } = shipped(name);

  test("synthesizes valid Terraform", () => {
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });

  test("synthesizes the reviewed snapshot", () => {
    expect(json).toMatchSnapshot();
  });

  test("writes no secret value into the stack", () => {
    expect(resourcesOf(parsed, "aws_secretsmanager_secret_version")).toEqual([]);
  });

  test("passes the security controls checked at synth, but for what its file waives", () => {
    expect(stack.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => m.data)).toEqual([]);
  });

  test("sets no password anywhere in the stack", () => {
    const allowed = (key: string) => key === "manage_master_user_password" || key.startsWith("master_user_secret");
    expect(keysWhere(parsed, (key) => /password/i.test(key) && !allowed(key))).toEqual([]);
  });
});

describe("What environments/dev.ts chooses", () => {
  const { parsed, workspace } = shipped("dev");
  const { namePrefix } = workspace;

  describe("to keep costs down", () => {
    test("shares one NAT gateway", () => {
      expect(resourcesOf(parsed, "aws_nat_gateway")).toHaveLength(1);
    });

    test("pays for no interface endpoints", () => {
      expect(resourcesOf(parsed, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface")).toEqual([]);
    });

    test("runs a single-AZ database that can be deleted", () => {
      expect(configAt(parsed, onlyAddress(parsed, "aws_db_instance"))).toMatchObject({
        multi_az: false,
        deletion_protection: false,
      });
    });

    test("mixes Fargate Spot into its services' capacity", () => {
      for (const service of resourcesOf(parsed, "aws_ecs_service")) {
        expect(service.capacity_provider_strategy).toContainEqual(
          expect.objectContaining({ capacity_provider: "FARGATE_SPOT" }),
        );
      }
    });

    test("lets its data key and load balancer be destroyed", () => {
      expect(configAt(parsed, onlyAddress(parsed, "aws_kms_key")).lifecycle).toEqual({ prevent_destroy: false });
      expect(configAt(parsed, onlyAddress(parsed, "aws_lb")).enable_deletion_protection).toBe(false);
    });
  });

  describe("to give operators a way in", () => {
    test("allows ECS Exec into every service", () => {
      expect(resourcesOf(parsed, "aws_ecs_service").map((s) => s.enable_execute_command)).not.toContain(false);
    });

    test("runs the maintenance task, which may reach the database", () => {
      const maintenance = securityGroupNamed(parsed, `${namePrefix}-maintenance`);
      expect(flows(rulesOf(parsed, maintenance, "egress").filter((r) => r.groups.length > 0))).toEqual([
        [securityGroupNamed(parsed, `${namePrefix}-db`), 5432, 5432],
      ]);
      expect(resourcesOf(parsed, "aws_ecs_task_definition").map((t) => t.family)).toContain(
        `${namePrefix}-maintenance`,
      );
    });
  });
});

describe("What environments/prod.ts chooses", () => {
  const { parsed, workspace } = shipped("prod");

  describe("to pay for resilience", () => {
    test("has a NAT gateway in every availability zone", () => {
      const nats = resourcesOf(parsed, "aws_nat_gateway");
      expect(nats).toHaveLength(workspace.network.availabilityZones.length);
      expect(new Set(nats.map((n) => refTarget(n.subnet_id))).size).toBe(nats.length);
    });

    test("reaches AWS APIs through interface endpoints", () => {
      expect(
        resourcesOf(parsed, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface").length,
      ).toBeGreaterThan(0);
    });

    test("runs a multi-AZ database with deletion protection", () => {
      expect(configAt(parsed, onlyAddress(parsed, "aws_db_instance"))).toMatchObject({
        multi_az: true,
        deletion_protection: true,
      });
    });
  });

  describe("to protect what holds data", () => {
    test("its data key cannot be destroyed, so the final snapshot stays readable", () => {
      expect(configAt(parsed, onlyAddress(parsed, "aws_kms_key")).lifecycle).toEqual({ prevent_destroy: true });
    });

    test("its load balancer refuses deletion", () => {
      expect(configAt(parsed, onlyAddress(parsed, "aws_lb")).enable_deletion_protection).toBe(true);
    });

    test("allows no ECS Exec into its services", () => {
      expect(resourcesOf(parsed, "aws_ecs_service").map((s) => s.enable_execute_command)).not.toContain(true);
    });

    test("runs no maintenance task", () => {
      expect(resourcesOf(parsed, "aws_ecs_task_definition").map((t) => t.family)).not.toContain(
        `${workspace.namePrefix}-maintenance`,
      );
      expect(() => securityGroupNamed(parsed, `${workspace.namePrefix}-maintenance`)).toThrow(/found 0/);
    });
  });
});

describe("README, Security controls at synth", () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
  const start = readme.indexOf("### Security controls at synth");
  const section = readme.slice(start, readme.indexOf("\n## ", start));

  test("lists every control checked, with its CIS recommendation and what it checks", () => {
    const rows = section.split("\n").filter((line) => /^\| [A-Za-z0-9]+\.\d+ \|/.test(line));
    expect(rows).toEqual(CONTROLS.map((c) => `| ${c.id} | ${c.cis ?? ""} | ${c.title} |`));
  });

  test("lists exactly the waivers the shipped environments keep, with their reasons", () => {
    const rows = section.split("\n").filter((line) => line.startsWith("| environments/"));
    const files = [environments.project, ...environments.workspaces];
    const kept = files.flatMap((f) =>
      f.policy.waivers.map((w) => `| ${f.file} | ${w.control} | \`${w.resource}\` | ${w.reason} |`),
    );
    expect(kept.length).toBeGreaterThan(0);
    expect(rows.sort()).toEqual(kept.sort());
  });
});
