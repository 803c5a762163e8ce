import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { ecsTasksTrustPolicy, execSessionStatements } from "../../src/constructs/task-iam";
import { ACCOUNT_ID, EXEC_LOG_GROUP_ARN, KMS_KEY_ARN } from "../../test/construct-fixtures";
import { resourcesOf, synthConstruct } from "../../test/stacks";
import { configAt, dataTarget } from "../../test/terraform";

describe("ecsTasksTrustPolicy", () => {
  test("is a trust policy letting only ECS tasks of the given account assume the role", () => {
    const { parsed } = synthConstruct(
      (scope) => new IamRole(scope, "Role", { assumeRolePolicy: ecsTasksTrustPolicy(scope, "Trust", ACCOUNT_ID) }),
    );
    const [role] = resourcesOf(parsed, "aws_iam_role");
    expect(configAt(parsed, dataTarget(role.assume_role_policy)).statement).toEqual([
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [ACCOUNT_ID] }],
      },
    ]);
  });
});

describe("execSessionStatements", () => {
  const statements = execSessionStatements(KMS_KEY_ARN, EXEC_LOG_GROUP_ARN);
  const bySid = Object.fromEntries(statements.map((s) => [s.sid, s]));

  test("opens the SSM message channels an exec session runs over", () => {
    expect(bySid.ExecSessionChannel).toEqual({
      sid: "ExecSessionChannel",
      effect: "Allow",
      actions: [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ],
      resources: ["*"],
    });
  });

  test("decrypts the session with the given key only", () => {
    expect(bySid.ExecSessionKey).toEqual({
      sid: "ExecSessionKey",
      effect: "Allow",
      actions: ["kms:Decrypt"],
      resources: [KMS_KEY_ARN],
    });
  });

  test("writes the session log only to the streams of the exec log group", () => {
    expect(bySid.ExecSessionLogsWrite).toEqual({
      sid: "ExecSessionLogsWrite",
      effect: "Allow",
      actions: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      resources: [`${EXEC_LOG_GROUP_ARN}:*`],
    });
  });

  test("may find the log group, which the agent checks before writing", () => {
    expect(bySid.ExecSessionLogsDescribe).toEqual({
      sid: "ExecSessionLogsDescribe",
      effect: "Allow",
      actions: ["logs:DescribeLogGroups"],
      resources: ["*"],
    });
  });

  test("grants nothing else", () => {
    expect(statements.map((s) => s.sid)).toEqual([
      "ExecSessionChannel",
      "ExecSessionKey",
      "ExecSessionLogsDescribe",
      "ExecSessionLogsWrite",
    ]);
  });
});
