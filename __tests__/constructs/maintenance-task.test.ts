import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import {
  MAINTENANCE_CONTAINER,
  MAINTENANCE_LOG_RETENTION_DAYS,
  idleStopScript,
  MaintenanceTask,
} from "../../src/constructs/maintenance-task";
import { execSessionStatements } from "../../src/constructs/task-iam";
import {
  ACCOUNT_ID,
  EXEC_LOG_GROUP_ARN,
  KMS_KEY_ARN,
  NAME_PREFIX,
  REGION,
  VPC_ID,
} from "../../test/construct-fixtures";
import { roleStatements, statementsOf } from "../../test/iam";
import { flows, rulesOf, securityGroupNamed } from "../../test/security-groups";
import { refTarget, synthConstruct } from "../../test/stacks";
import { addressWith, configAt, onlyAddress, ref } from "../../test/terraform";

const IMAGE = "public.ecr.aws/docker/library/postgres:16-alpine";

describe("MaintenanceTask", () => {
  const { json, parsed } = synthConstruct(
    (scope) =>
      new MaintenanceTask(scope, "Maintenance", {
        namePrefix: NAME_PREFIX,
        region: REGION,
        accountId: ACCOUNT_ID,
        vpcId: VPC_ID,
        image: IMAGE,
        idleMinutes: 30,
        kmsKeyArn: KMS_KEY_ARN,
        execLogGroupArn: EXEC_LOG_GROUP_ARN,
      }),
  );
  const taskDefinition = configAt(parsed, onlyAddress(parsed, "aws_ecs_task_definition"));
  const [container] = JSON.parse(String(taskDefinition.container_definitions)) as Record<string, unknown>[];
  const group = securityGroupNamed(parsed, "acme-test-maintenance");
  const logs = addressWith(parsed, "aws_cloudwatch_log_group", "name", "/ecs/acme-test/maintenance");
  const executionRole = addressWith(parsed, "aws_iam_role", "name", "acme-test-maintenance-execution");
  const taskRole = addressWith(parsed, "aws_iam_role", "name", "acme-test-maintenance-task");

  test("is a small Fargate task in its own family", () => {
    expect(json).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: "acme-test-maintenance",
      cpu: "256",
      memory: "512",
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
    });
  });

  test("runs the given database client image", () => {
    expect(container).toMatchObject({ name: MAINTENANCE_CONTAINER, image: IMAGE, essential: true });
  });

  test("waits with an init process for operators to exec in, and stops after its idle minutes", () => {
    expect(container.command).toEqual(["sh", "-c", idleStopScript(30)]);
    expect(container.linuxParameters).toEqual({ initProcessEnabled: true });
  });

  test("has a read-only root filesystem, with /tmp (its HOME) and the ECS Exec agent's directories writable", () => {
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(container.environment).toEqual([{ name: "HOME", value: "/tmp" }]);
    const mounts = container.mountPoints as { sourceVolume: string; containerPath: string; readOnly: boolean }[];
    expect(mounts.map((m) => [m.sourceVolume, m.containerPath, m.readOnly])).toEqual([
      ["tmp", "/tmp", false],
      ["ssm-agent-state", "/var/lib/amazon/ssm", false],
      ["ssm-agent-logs", "/var/log/amazon/ssm", false],
    ]);
    expect(taskDefinition.volume).toEqual(mounts.map((m) => ({ name: m.sourceVolume })));
  });

  test("accepts no traffic at all", () => {
    expect(rulesOf(parsed, group, "ingress")).toEqual([]);
  });

  test("may send only HTTPS, for the exec channel, until a link opens the database to it", () => {
    expect(flows(rulesOf(parsed, group, "egress"))).toEqual([["0.0.0.0/0", 443, 443]]);
  });

  test(`logs with awslogs to its own log group, encrypted and kept ${MAINTENANCE_LOG_RETENTION_DAYS} days`, () => {
    expect(container.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: { "awslogs-group": ref(logs, "name"), "awslogs-region": REGION, "awslogs-stream-prefix": "maintenance" },
    });
    expect(configAt(parsed, logs)).toMatchObject({ kms_key_id: KMS_KEY_ARN, retention_in_days: 90 });
  });

  test("the execution role may only write the task's own log streams", () => {
    expect(refTarget(taskDefinition.execution_role_arn)).toBe(executionRole);
    expect(roleStatements(parsed, executionRole)).toEqual([
      { effect: "Allow", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${ref(logs, "arn")}:*`] },
    ]);
  });

  test("the task role may only run ECS Exec sessions, with the given key and exec log group", () => {
    expect(refTarget(taskDefinition.task_role_arn)).toBe(taskRole);
    expect(roleStatements(parsed, taskRole)).toEqual(execSessionStatements(KMS_KEY_ARN, EXEC_LOG_GROUP_ARN));
  });

  test("both roles are assumable only by ECS tasks of the account", () => {
    for (const role of [executionRole, taskRole]) {
      const trust = statementsOf(parsed, configAt(parsed, role).assume_role_policy);
      expect(trust).toEqual([
        expect.objectContaining({
          principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [ACCOUNT_ID] }],
        }),
      ]);
    }
  });
});
