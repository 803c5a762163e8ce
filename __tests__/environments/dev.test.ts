import { realEnvironments, resourcesOf, synthWorkspace, workspaceNamed } from "../../test/stacks";
import { flows, rulesOf, securityGroupNamed } from "../../test/security-groups";
import { configAt, onlyAddress } from "../../test/terraform";

// What environments/dev.ts chooses: the cheap options, and the operator conveniences.
const { namePrefix } = workspaceNamed(realEnvironments(), "dev");
const { parsed } = synthWorkspace("dev");

describe("environments/dev.ts keeps costs down", () => {
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

describe("environments/dev.ts gives operators a way in", () => {
  test("allows ECS Exec into every service", () => {
    expect(resourcesOf(parsed, "aws_ecs_service").map((s) => s.enable_execute_command)).not.toContain(false);
  });

  test("runs the maintenance task, which may reach the database", () => {
    const maintenance = securityGroupNamed(parsed, `${namePrefix}-maintenance`);
    expect(flows(rulesOf(parsed, maintenance, "egress").filter((r) => r.groups.length > 0))).toEqual([
      [securityGroupNamed(parsed, `${namePrefix}-db`), 5432, 5432],
    ]);
    expect(resourcesOf(parsed, "aws_ecs_task_definition").map((t) => t.family)).toContain(`${namePrefix}-maintenance`);
  });
});
