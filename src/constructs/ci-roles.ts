import { Construct } from "constructs";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";

/** GitHub Actions' OIDC issuer, and the audience its tokens carry for AWS. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/**
 * Thumbprints of GitHub's OIDC certificate chain. AWS now trusts the issuer through its own CA store and ignores
 * them for GitHub, but the API still asks for at least one.
 */
export const GITHUB_OIDC_THUMBPRINTS = [
  "6938fd4d98bab03faadb97b34396831e3780aea1",
  "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
];
/** AWS's managed read-only policy: every Describe/List/Get a plan's refresh needs, maintained by AWS. */
export const READ_ONLY_POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess";
/** ECR actions that push an image into a repository (and read it back). */
export const ECR_PUSH_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:CompleteLayerUpload",
  "ecr:DescribeImages",
  "ecr:GetDownloadUrlForLayer",
  "ecr:InitiateLayerUpload",
  "ecr:ListImages",
  "ecr:PutImage",
  "ecr:UploadLayerPart",
];
/** ECR actions that read an image from a repository (to copy the same digest elsewhere). */
export const ECR_PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:DescribeImages",
  "ecr:GetDownloadUrlForLayer",
];

/** What the release role may act on for one service. */
export interface ReleasableService {
  /** Service name (for statement ids). */
  readonly name: string;
  /** ARNs of the service's ECS services (two for a blue/green service). */
  readonly serviceArns: string[];
  /** Task definition families a release registers revisions of (the service's, its migration task's). */
  readonly taskDefinitionFamilies: string[];
  /** The roles its task definitions name, which a release passes to ECS. */
  readonly executionRoleArn: string;
  readonly taskRoleArn: string;
  readonly repositoryArn: string;
  /** The image and image tag parameters a release writes. */
  readonly parameterArns: string[];
  /** Listener rules a release moves traffic with (blue/green). @default [] */
  readonly listenerRuleArns?: string[];
  /** Scalable targets a release scales (blue/green). @default [] */
  readonly scalableTargetArns?: string[];
}

export interface CiRolesProps {
  /** Prefix of the roles' names (`<prefix>-ci-plan`, `<prefix>-ci-release`). */
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  /** Create GitHub's OIDC provider in the account (false: look up the existing one). */
  readonly createOidcProvider: boolean;
  /** OIDC `sub` patterns the plan role trusts, e.g. `repo:acme/platform:pull_request`. */
  readonly planSubjects: string[];
  /** OIDC `sub` patterns the release role trusts, e.g. `repo:acme/platform:environment:prod`. */
  readonly releaseSubjects: string[];
  /** The role in the state account that reads (only) this workspace's state. */
  readonly stateReadRoleArn: string;
  /** The ECS cluster the services run in. */
  readonly clusterArn: string;
  readonly services: ReleasableService[];
  /** The release history table. */
  readonly releasesTableArn: string;
  /** Repositories of other workspaces the release role may pull from, to promote their digest. @default [] */
  readonly pullRepositoryArns?: string[];
}

/**
 * The identities GitHub Actions uses in a workspace's account, through OIDC (no long-lived keys):
 * - the **plan role**: AWS's read-only policy (minus secret values and decryption), and reading this workspace's
 *   state through the state account's read-only role, for pull-request plans and drift checks;
 * - the **release role**: push images to this workspace's repositories, register task definitions of its services'
 *   families, pass exactly their execution and task roles to ECS, move its services to new revisions, write their
 *   image parameters and the release history, and nothing on state, network or data.
 * Each trusts only tokens for `sts.amazonaws.com` whose `sub` names the configured repository and ref or environment.
 */
export class CiRoles extends Construct {
  /** ARN of GitHub's OIDC provider in the account. */
  public readonly oidcProviderArn: string;
  public readonly planRole: IamRole;
  public readonly releaseRole: IamRole;

  constructor(scope: Construct, id: string, props: CiRolesProps) {
    super(scope, id);
    if (props.planSubjects.length === 0 || props.releaseSubjects.length === 0) {
      throw new Error("CiRoles: planSubjects and releaseSubjects must each name at least one OIDC subject");
    }
    this.oidcProviderArn = props.createOidcProvider
      ? new IamOpenidConnectProvider(this, "GitHub", {
          url: `https://${GITHUB_OIDC_HOST}`,
          clientIdList: [GITHUB_OIDC_AUDIENCE],
          thumbprintList: GITHUB_OIDC_THUMBPRINTS,
        }).arn
      : new DataAwsIamOpenidConnectProvider(this, "GitHub", { url: `https://${GITHUB_OIDC_HOST}` }).arn;

    const planRoleName = `${props.namePrefix}-ci-plan`;
    const planRoleArn = `arn:aws:iam::${props.accountId}:role/${planRoleName}`;
    this.planRole = new IamRole(this, "PlanRole", {
      name: planRoleName,
      description: "GitHub Actions: read-only plans and drift checks of this workspace",
      assumeRolePolicy: this.trust("PlanTrust", props.planSubjects, {
        // The stack's provider assumes its role again; for plans that role is this one (see `npm run plan`).
        selfAssumeArn: planRoleArn,
        accountId: props.accountId,
      }),
      maxSessionDuration: 3600,
      tags: { Name: planRoleName },
    });
    new IamRolePolicyAttachment(this, "PlanReadOnly", { role: this.planRole.name, policyArn: READ_ONLY_POLICY_ARN });
    const planPolicy = new DataAwsIamPolicyDocument(this, "PlanPolicyDocument", {
      statement: [
        { sid: "AssumeItselfForTheProvider", effect: "Allow", actions: ["sts:AssumeRole"], resources: [planRoleArn] },
        { sid: "ReadOwnState", effect: "Allow", actions: ["sts:AssumeRole"], resources: [props.stateReadRoleArn] },
        {
          sid: "NoSecretValues",
          effect: "Deny",
          actions: ["secretsmanager:GetSecretValue", "kms:Decrypt", "ssm:GetParameterHistory"],
          resources: ["*"],
        },
      ],
    });
    new IamRolePolicy(this, "PlanPolicy", { name: "plan", role: this.planRole.id, policy: planPolicy.json });

    const releaseRoleName = `${props.namePrefix}-ci-release`;
    this.releaseRole = new IamRole(this, "ReleaseRole", {
      name: releaseRoleName,
      description: "GitHub Actions: push and release images to this workspace's services, and nothing else",
      assumeRolePolicy: this.trust("ReleaseTrust", props.releaseSubjects),
      maxSessionDuration: 3600,
      tags: { Name: releaseRoleName },
    });
    const releasePolicy = new DataAwsIamPolicyDocument(this, "ReleasePolicyDocument", {
      statement: releaseStatements(props),
    });
    new IamRolePolicy(this, "ReleasePolicy", {
      name: "release",
      role: this.releaseRole.id,
      policy: releasePolicy.json,
    });
  }

  private trust(id: string, subjects: string[], self?: { selfAssumeArn: string; accountId: string }): string {
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: "GitHubActions",
        effect: "Allow",
        actions: ["sts:AssumeRoleWithWebIdentity"],
        principals: [{ type: "Federated", identifiers: [this.oidcProviderArn] }],
        condition: [
          { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:aud`, values: [GITHUB_OIDC_AUDIENCE] },
          { test: "StringLike", variable: `${GITHUB_OIDC_HOST}:sub`, values: subjects },
        ],
      },
    ];
    if (self) {
      // A role cannot name itself as a principal before it exists; the account, narrowed to this role's ARN, can.
      statements.push({
        sid: "Itself",
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${self.accountId}:root`] }],
        condition: [{ test: "ArnEquals", variable: "aws:PrincipalArn", values: [self.selfAssumeArn] }],
      });
    }
    return new DataAwsIamPolicyDocument(this, id, { statement: statements }).json;
  }
}

/** The release role's statements: exact actions on exact resources, `*` only where AWS has no resource-level control. */
export function releaseStatements(props: CiRolesProps): DataAwsIamPolicyDocumentStatement[] {
  const services = props.services;
  const all = <T>(pick: (s: ReleasableService) => T[]) => services.flatMap(pick);
  const families = all((s) => s.taskDefinitionFamilies).map(
    (family) => `arn:aws:ecs:${props.region}:${props.accountId}:task-definition/${family}:*`,
  );
  const onCluster = [{ test: "ArnEquals", variable: "ecs:cluster", values: [props.clusterArn] }];
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    { sid: "EcrLogin", effect: "Allow", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
    {
      sid: "PushToOwnRepositories",
      effect: "Allow",
      actions: ECR_PUSH_ACTIONS,
      resources: all((s) => [s.repositoryArn]),
    },
    {
      sid: "ReleaseOwnServices",
      effect: "Allow",
      actions: ["ecs:DescribeServices", "ecs:UpdateService"],
      resources: all((s) => s.serviceArns),
    },
    {
      // RegisterTaskDefinition, DescribeTaskDefinition and DeregisterTaskDefinition have no resource-level
      // permissions in AWS; what a registered revision may do is bounded by the roles it may pass (below).
      sid: "TaskDefinitionsNoResourceLevel",
      effect: "Allow",
      actions: ["ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"],
      resources: ["*"],
    },
    {
      sid: "TagOwnTaskDefinitionsAtRegistration",
      effect: "Allow",
      actions: ["ecs:TagResource"],
      resources: families,
      condition: [{ test: "StringEquals", variable: "ecs:CreateAction", values: ["RegisterTaskDefinition"] }],
    },
    {
      sid: "WatchOwnCluster",
      effect: "Allow",
      actions: ["ecs:DescribeTasks", "ecs:ListTasks"],
      resources: ["*"],
      condition: onCluster,
    },
    {
      sid: "PassOwnTaskRoles",
      effect: "Allow",
      actions: ["iam:PassRole"],
      resources: all((s) => [s.executionRoleArn, s.taskRoleArn]),
      condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
    },
    {
      sid: "WriteOwnImageParameters",
      effect: "Allow",
      actions: ["ssm:GetParameter", "ssm:GetParameterHistory", "ssm:PutParameter"],
      resources: all((s) => s.parameterArns),
    },
    {
      sid: "RecordReleases",
      effect: "Allow",
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
      resources: [props.releasesTableArn],
    },
    {
      // Describe calls of Elastic Load Balancing have no resource-level permissions.
      sid: "WatchTargetHealth",
      effect: "Allow",
      actions: [
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
      ],
      resources: ["*"],
    },
  ];
  const rules = all((s) => s.listenerRuleArns ?? []);
  if (rules.length > 0) {
    statements.push({
      sid: "ShiftOwnTraffic",
      effect: "Allow",
      actions: ["elasticloadbalancing:ModifyRule"],
      resources: rules,
    });
  }
  const blueGreenFamilies = services
    .filter((s) => (s.listenerRuleArns ?? []).length > 0)
    .flatMap((s) => s.taskDefinitionFamilies)
    .map((family) => `arn:aws:ecs:${props.region}:${props.accountId}:task-definition/${family}:*`);
  if (blueGreenFamilies.length > 0) {
    statements.push({
      sid: "ValidateOwnCandidates",
      effect: "Allow",
      actions: ["ecs:RunTask"],
      resources: blueGreenFamilies,
      condition: onCluster,
    });
  }
  const targets = all((s) => s.scalableTargetArns ?? []);
  if (targets.length > 0) {
    statements.push(
      {
        sid: "ScaleOwnSlots",
        effect: "Allow",
        actions: ["application-autoscaling:RegisterScalableTarget"],
        resources: targets,
      },
      {
        sid: "DescribeScaling",
        effect: "Allow",
        actions: ["application-autoscaling:DescribeScalableTargets"],
        resources: ["*"],
      },
    );
  }
  const pull = props.pullRepositoryArns ?? [];
  if (pull.length > 0) {
    statements.push({ sid: "PromoteFrom", effect: "Allow", actions: ECR_PULL_ACTIONS, resources: pull });
  }
  return statements;
}
