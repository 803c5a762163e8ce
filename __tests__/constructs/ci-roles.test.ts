import { Testing } from "cdktf";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { CiRoles, CiRolesProps, READ_ONLY_POLICY_ARN } from "../../src/constructs/ci-roles";
import { attachedPolicyArns, PolicyStatement, roleStatements, statementsOf } from "../../test/iam";
import { Synthesized } from "../../test/stacks";
import { addressWith, configAt } from "../../test/terraform";

const CLUSTER = "arn:aws:ecs:us-east-1:222222222222:cluster/acme-dev-cluster";
const PROPS: CiRolesProps = {
  namePrefix: "acme-dev",
  accountId: "222222222222",
  region: "us-east-1",
  createOidcProvider: true,
  planSubjects: ["repo:acme/platform:pull_request", "repo:acme/platform:ref:refs/heads/main"],
  releaseSubjects: ["repo:acme/platform:environment:dev", "repo:acme/backend:environment:dev"],
  stateReadRoleArn: "arn:aws:iam::111111111111:role/acme-tfstate-dev-read",
  clusterArn: CLUSTER,
  services: [
    {
      name: "api",
      serviceArns: ["arn:aws:ecs:us-east-1:222222222222:service/acme-dev-cluster/acme-dev-api"],
      taskDefinitionFamilies: ["acme-dev-api", "acme-dev-api-migrate"],
      executionRoleArn: "arn:aws:iam::222222222222:role/acme-dev-api-execution",
      taskRoleArn: "arn:aws:iam::222222222222:role/acme-dev-api-task",
      repositoryArn: "arn:aws:ecr:us-east-1:222222222222:repository/acme/dev/api",
      parameterArns: ["arn:aws:ssm:us-east-1:222222222222:parameter/acme/dev/api/IMAGE"],
    },
    {
      name: "web",
      serviceArns: ["arn:aws:ecs:us-east-1:222222222222:service/acme-dev-cluster/acme-dev-web"],
      taskDefinitionFamilies: ["acme-dev-web"],
      executionRoleArn: "arn:aws:iam::222222222222:role/acme-dev-web-execution",
      taskRoleArn: "arn:aws:iam::222222222222:role/acme-dev-web-task",
      repositoryArn: "arn:aws:ecr:us-east-1:222222222222:repository/acme/dev/web",
      parameterArns: ["arn:aws:ssm:us-east-1:222222222222:parameter/acme/dev/web/IMAGE"],
    },
  ],
  releasesTableArn: "arn:aws:dynamodb:us-east-1:222222222222:table/acme-dev-releases",
};

function synth(overrides: Partial<CiRolesProps> = {}): { json: string; parsed: Synthesized } {
  const json = Testing.synthScope((scope) => new CiRoles(scope, "Ci", { ...PROPS, ...overrides }));
  return { json, parsed: JSON.parse(json) as Synthesized };
}

const { json, parsed } = synth();
const role = (name: string) => addressWith(parsed, "aws_iam_role", "name", name);
const trustOf = (name: string) => statementsOf(parsed, configAt(parsed, role(name)).assume_role_policy);
const bySid = (statements: PolicyStatement[]): Record<string, PolicyStatement> =>
  Object.fromEntries(statements.map((s) => [s.sid, s]));
const release = bySid(roleStatements(parsed, role("acme-dev-ci-release")));

describe("GitHub's OIDC provider", () => {
  test("is created for the token service with the AWS audience", () => {
    expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
  });

  test("is looked up instead when it exists already", () => {
    const lookedUp = synth({ createOidcProvider: false }).parsed;
    expect(lookedUp.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(Object.values(lookedUp.data?.aws_iam_openid_connect_provider ?? {})).toEqual([
      { url: "https://token.actions.githubusercontent.com" },
    ]);
  });
});

describe("trust", () => {
  test.each([
    ["acme-dev-ci-plan", PROPS.planSubjects],
    ["acme-dev-ci-release", PROPS.releaseSubjects],
  ])("%s trusts only web identities for sts.amazonaws.com with the configured subjects", (name, subjects) => {
    const [github] = trustOf(name);
    expect(github).toMatchObject({
      effect: "Allow",
      actions: ["sts:AssumeRoleWithWebIdentity"],
      principals: [{ type: "Federated", identifiers: [expect.stringContaining("aws_iam_openid_connect_provider")] }],
      condition: [
        { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
        { test: "StringLike", variable: "token.actions.githubusercontent.com:sub", values: subjects },
      ],
    });
  });

  test("the release role trusts nothing else", () => {
    expect(trustOf("acme-dev-ci-release")).toHaveLength(1);
  });

  test("the plan role may also assume itself (the provider assumes its role again), and only itself", () => {
    const self = trustOf("acme-dev-ci-plan")[1];
    expect(self).toMatchObject({
      actions: ["sts:AssumeRole"],
      principals: [{ type: "AWS", identifiers: ["arn:aws:iam::222222222222:root"] }],
      condition: [
        {
          test: "ArnEquals",
          variable: "aws:PrincipalArn",
          values: ["arn:aws:iam::222222222222:role/acme-dev-ci-plan"],
        },
      ],
    });
  });

  test("a role without any subject is refused", () => {
    expect(() => synth({ releaseSubjects: [] })).toThrow(/releaseSubjects must each name at least one OIDC subject/);
  });
});

describe("the plan role", () => {
  test("reads through AWS's read-only policy", () => {
    expect(attachedPolicyArns(parsed, role("acme-dev-ci-plan"))).toEqual([READ_ONLY_POLICY_ARN]);
  });

  test("may assume the state account's read-only role for its workspace, and itself, nothing else", () => {
    const plan = bySid(roleStatements(parsed, role("acme-dev-ci-plan")));
    expect(plan.ReadOwnState).toMatchObject({ actions: ["sts:AssumeRole"], resources: [PROPS.stateReadRoleArn] });
    expect(plan.AssumeItselfForTheProvider.resources).toEqual(["arn:aws:iam::222222222222:role/acme-dev-ci-plan"]);
  });

  test("is denied secret values and decryption, which read-only would otherwise allow", () => {
    const plan = bySid(roleStatements(parsed, role("acme-dev-ci-plan")));
    expect(plan.NoSecretValues).toMatchObject({
      effect: "Deny",
      actions: expect.arrayContaining(["secretsmanager:GetSecretValue", "kms:Decrypt"]),
      resources: ["*"],
    });
  });
});

describe("the release role", () => {
  test("has exactly these statements", () => {
    expect(Object.keys(release).sort()).toEqual(
      [
        "EcrLogin",
        "PassOwnTaskRoles",
        "PushToOwnRepositories",
        "RecordReleases",
        "ReleaseOwnServices",
        "TagOwnTaskDefinitionsAtRegistration",
        "TaskDefinitionsNoResourceLevel",
        "WatchOwnCluster",
        "WatchTargetHealth",
        "WriteOwnImageParameters",
      ].sort(),
    );
  });

  test("pushes to its workspace's repositories only", () => {
    expect(release.PushToOwnRepositories.resources).toEqual(PROPS.services.map((s) => s.repositoryArn));
    expect(release.PushToOwnRepositories.actions).toContain("ecr:PutImage");
  });

  test("describes and updates its workspace's services only", () => {
    expect(release.ReleaseOwnServices).toMatchObject({
      actions: ["ecs:DescribeServices", "ecs:UpdateService"],
      resources: PROPS.services.flatMap((s) => s.serviceArns),
    });
  });

  test("passes exactly its services' execution and task roles, to ECS tasks only", () => {
    expect(release.PassOwnTaskRoles).toMatchObject({
      actions: ["iam:PassRole"],
      resources: PROPS.services.flatMap((s) => [s.executionRoleArn, s.taskRoleArn]),
      condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
    });
  });

  test("writes its services' image parameters only", () => {
    expect(release.WriteOwnImageParameters.resources).toEqual(PROPS.services.flatMap((s) => s.parameterArns));
  });

  test("tags only its own families' revisions, only when registering them", () => {
    expect(release.TagOwnTaskDefinitionsAtRegistration).toMatchObject({
      resources: [
        "arn:aws:ecs:us-east-1:222222222222:task-definition/acme-dev-api:*",
        "arn:aws:ecs:us-east-1:222222222222:task-definition/acme-dev-api-migrate:*",
        "arn:aws:ecs:us-east-1:222222222222:task-definition/acme-dev-web:*",
      ],
      condition: [{ test: "StringEquals", variable: "ecs:CreateAction", values: ["RegisterTaskDefinition"] }],
    });
  });

  test("watches tasks only in its cluster", () => {
    expect(release.WatchOwnCluster.condition).toEqual([
      { test: "ArnEquals", variable: "ecs:cluster", values: [CLUSTER] },
    ]);
  });

  test("uses * only for actions AWS gives no resource-level permission", () => {
    const wildcard = Object.values(release)
      .filter((s) => (s.resources ?? []).includes("*") && !s.condition)
      .flatMap((s) => s.actions ?? [])
      .sort();
    expect(wildcard).toEqual(
      [
        "ecr:GetAuthorizationToken",
        "ecs:DeregisterTaskDefinition",
        "ecs:DescribeTaskDefinition",
        "ecs:RegisterTaskDefinition",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
      ].sort(),
    );
  });

  test("has nothing on state, network, database, secrets or IAM beyond PassRole", () => {
    const actions = Object.values(release).flatMap((s) => s.actions ?? []);
    expect(actions.filter((a) => /^(s3|ec2|rds|secretsmanager|kms|sts):/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.startsWith("iam:"))).toEqual(["iam:PassRole"]);
  });

  test("may pull from the repositories it promotes from, and only pull", () => {
    const promote = bySid(
      roleStatements(
        synth({ pullRepositoryArns: ["arn:aws:ecr:us-east-1:111111111111:repository/acme/dev/api"] }).parsed,
        role("acme-dev-ci-release"),
      ),
    );
    expect(promote.PromoteFrom).toMatchObject({
      resources: ["arn:aws:ecr:us-east-1:111111111111:repository/acme/dev/api"],
      actions: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:DescribeImages",
        "ecr:GetDownloadUrlForLayer",
      ],
    });
  });
});

describe("the release role of a blue-green service", () => {
  const withBlueGreen = bySid(
    roleStatements(
      synth({
        services: [
          {
            ...PROPS.services[0],
            serviceArns: [
              "arn:aws:ecs:us-east-1:222222222222:service/acme-dev-cluster/acme-dev-api-blue",
              "arn:aws:ecs:us-east-1:222222222222:service/acme-dev-cluster/acme-dev-api-green",
            ],
            listenerRuleArns: ["arn:aws:elasticloadbalancing:us-east-1:222222222222:listener-rule/app/a/1/2/3"],
            scalableTargetArns: ["arn:aws:application-autoscaling:us-east-1:222222222222:scalable-target/abc"],
          },
        ],
      }).parsed,
      role("acme-dev-ci-release"),
    ),
  );

  test("moves traffic only on its own listener rules", () => {
    expect(withBlueGreen.ShiftOwnTraffic).toMatchObject({
      actions: ["elasticloadbalancing:ModifyRule"],
      resources: ["arn:aws:elasticloadbalancing:us-east-1:222222222222:listener-rule/app/a/1/2/3"],
    });
  });

  test("scales only its own colours' scalable targets", () => {
    expect(withBlueGreen.ScaleOwnSlots).toMatchObject({
      actions: ["application-autoscaling:RegisterScalableTarget"],
      resources: ["arn:aws:application-autoscaling:us-east-1:222222222222:scalable-target/abc"],
    });
  });

  test("runs validation tasks only of its own families, only in its cluster", () => {
    expect(withBlueGreen.ValidateOwnCandidates).toMatchObject({
      actions: ["ecs:RunTask"],
      resources: [
        "arn:aws:ecs:us-east-1:222222222222:task-definition/acme-dev-api:*",
        "arn:aws:ecs:us-east-1:222222222222:task-definition/acme-dev-api-migrate:*",
      ],
      condition: [{ test: "ArnEquals", variable: "ecs:cluster", values: [CLUSTER] }],
    });
  });

  test("a rolling service's role has none of these", () => {
    expect(release.ShiftOwnTraffic).toBeUndefined();
    expect(release.ScaleOwnSlots).toBeUndefined();
    expect(release.ValidateOwnCandidates).toBeUndefined();
  });
});
