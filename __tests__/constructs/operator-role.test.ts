import { OperatorRole, OperatorRoleProps } from "../../src/constructs/operator-role";
import { ACCOUNT_ID, KMS_KEY_ARN, REGION } from "../../test/construct-fixtures";
import { roleStatements, statementsOf } from "../../test/iam";
import { synthConstruct } from "../../test/stacks";
import { addressWith, configAt } from "../../test/terraform";

const CLUSTER = `arn:aws:ecs:${REGION}:${ACCOUNT_ID}:cluster/acme-test-cluster`;
const TASKS = `arn:aws:ecs:${REGION}:${ACCOUNT_ID}:task/acme-test-cluster/*`;
const LOG_GROUPS = [
  `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/ecs/acme-test/api`,
  `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/ecs/acme-test/maintenance`,
];
const MAINTENANCE_ROLES = [
  `arn:aws:iam::${ACCOUNT_ID}:role/acme-test-maintenance-execution`,
  `arn:aws:iam::${ACCOUNT_ID}:role/acme-test-maintenance-task`,
];
const NETWORK_PARAMETER = `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/acme/test/maintenance/NETWORK`;
const inCluster = [{ test: "ArnEquals", variable: "ecs:cluster", values: [CLUSTER] }];

function props(overrides: Partial<OperatorRoleProps> = {}): OperatorRoleProps {
  return {
    name: "acme-test-operator",
    accountId: ACCOUNT_ID,
    region: REGION,
    trustedPrincipals: ["arn:aws:iam::111111111111:role/oncall"],
    clusterName: "acme-test-cluster",
    logGroupArns: LOG_GROUPS,
    execKmsKeyArn: KMS_KEY_ARN,
    maintenance: {
      family: "acme-test-maintenance",
      roleArns: MAINTENANCE_ROLES,
      networkParameterArn: NETWORK_PARAMETER,
    },
    ...overrides,
  };
}

function synth(p: OperatorRoleProps) {
  const { parsed } = synthConstruct((scope) => new OperatorRole(scope, "Operator", p));
  const role = addressWith(parsed, "aws_iam_role", "name", "acme-test-operator");
  return { parsed, role, statements: roleStatements(parsed, role) };
}

describe("OperatorRole", () => {
  const { parsed, role, statements } = synth(props());

  test("is trusted by the configured principals only", () => {
    expect(statementsOf(parsed, configAt(parsed, role).assume_role_policy)).toEqual([
      {
        effect: "Allow",
        actions: ["sts:AssumeRole", "sts:TagSession"],
        principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:role/oncall"] }],
      },
    ]);
  });

  test("may exec into the cluster's tasks, read its logs and run the maintenance task, and nothing else", () => {
    expect(statements).toEqual([
      { sid: "DescribeCluster", effect: "Allow", actions: ["ecs:DescribeClusters"], resources: [CLUSTER] },
      {
        sid: "DescribeServicesAndTasks",
        effect: "Allow",
        actions: ["ecs:DescribeServices", "ecs:DescribeTasks"],
        resources: [`arn:aws:ecs:${REGION}:${ACCOUNT_ID}:service/acme-test-cluster/*`, TASKS],
      },
      {
        sid: "ListTasksOfCluster",
        effect: "Allow",
        actions: ["ecs:ListTasks", "ecs:ListServices"],
        resources: ["*"],
        condition: inCluster,
      },
      { sid: "DescribeTaskDefinitions", effect: "Allow", actions: ["ecs:DescribeTaskDefinition"], resources: ["*"] },
      { sid: "ExecIntoClusterTasks", effect: "Allow", actions: ["ecs:ExecuteCommand"], resources: [CLUSTER, TASKS] },
      { sid: "EncryptExecSessions", effect: "Allow", actions: ["kms:GenerateDataKey"], resources: [KMS_KEY_ARN] },
      {
        sid: "ReadWorkspaceLogs",
        effect: "Allow",
        actions: ["logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogStreams"],
        resources: LOG_GROUPS.map((arn) => `${arn}:*`),
      },
      { sid: "ReadMaintenanceNetwork", effect: "Allow", actions: ["ssm:GetParameter"], resources: [NETWORK_PARAMETER] },
      {
        sid: "StartMaintenanceTask",
        effect: "Allow",
        actions: ["ecs:RunTask"],
        resources: [`arn:aws:ecs:${REGION}:${ACCOUNT_ID}:task-definition/acme-test-maintenance:*`],
        condition: inCluster,
      },
      { sid: "StopClusterTasks", effect: "Allow", actions: ["ecs:StopTask"], resources: [TASKS], condition: inCluster },
      {
        sid: "PassMaintenanceTaskRoles",
        effect: "Allow",
        actions: ["iam:PassRole"],
        resources: MAINTENANCE_ROLES,
        condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
      },
    ]);
  });

  test("without a maintenance task it may not run or stop tasks, or pass roles", () => {
    const actions = synth(props({ maintenance: undefined })).statements.flatMap((s) => s.actions ?? []);
    expect(actions).not.toContain("ecs:RunTask");
    expect(actions).not.toContain("ecs:StopTask");
    expect(actions).not.toContain("iam:PassRole");
  });

  test("refuses to be trusted by no one", () => {
    expect(() => synth(props({ trustedPrincipals: [] }))).toThrow(/give at least one trusted principal/);
  });
});
