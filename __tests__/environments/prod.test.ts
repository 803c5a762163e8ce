import { realEnvironments, refTarget, resourcesOf, synthWorkspace, workspaceNamed } from "../../test/stacks";
import { securityGroupNamed } from "../../test/security-groups";
import { configAt, onlyAddress } from "../../test/terraform";

// What environments/prod.ts chooses: everything that costs money for resilience, and nothing left deletable.
const workspace = workspaceNamed(realEnvironments(), "prod");
const { parsed } = synthWorkspace("prod");

describe("environments/prod.ts pays for resilience", () => {
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

describe("environments/prod.ts protects what holds data", () => {
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
