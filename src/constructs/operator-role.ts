import { Construct } from "constructs";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";

export interface OperatorRoleProps {
  /** Role name, e.g. `acme-dev-operator`. */
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  /** Principals (ARNs) trusted to assume the role. */
  readonly trustedPrincipals: string[];
  /** The workspace's ECS cluster, by name (its ARN and its tasks' ARNs are derived from it). */
  readonly clusterName: string;
  /** ARNs of the log groups the role may read. */
  readonly logGroupArns: string[];
  /** The key ECS Exec sessions are encrypted with: starting a session generates a data key under it. */
  readonly execKmsKeyArn: string;
  /**
   * The maintenance task: its task definition family and the roles it runs with (which RunTask passes to ECS).
   * @default - no maintenance permissions
   */
  readonly maintenance?: {
    readonly family: string;
    readonly roleArns: string[];
    /** The SSM parameter saying where the task runs (subnets and security group). */
    readonly networkParameterArn: string;
  };
}

/**
 * The role a person assumes to operate a workspace, in place of a hand-made "exec user": ECS Exec into the
 * cluster's tasks, reading the workspace's logs, starting and stopping the maintenance task, and the describe
 * calls those need. Nothing else: no deploys, no secrets, no data.
 */
export class OperatorRole extends Construct {
  public readonly role: IamRole;
  /** The statements of the role's one inline policy, in order. */
  public readonly statements: DataAwsIamPolicyDocumentStatement[];

  constructor(scope: Construct, id: string, props: OperatorRoleProps) {
    super(scope, id);
    if (props.trustedPrincipals.length === 0) {
      throw new Error(`OperatorRole ${props.name}: give at least one trusted principal`);
    }
    const ecs = (resource: string) => `arn:aws:ecs:${props.region}:${props.accountId}:${resource}`;
    const clusterArn = ecs(`cluster/${props.clusterName}`);
    const tasks = ecs(`task/${props.clusterName}/*`);
    const inCluster = [{ test: "ArnEquals", variable: "ecs:cluster", values: [clusterArn] }];

    this.statements = [
      {
        sid: "DescribeCluster",
        effect: "Allow",
        actions: ["ecs:DescribeClusters"],
        resources: [clusterArn],
      },
      {
        sid: "DescribeServicesAndTasks",
        effect: "Allow",
        actions: ["ecs:DescribeServices", "ecs:DescribeTasks"],
        resources: [ecs(`service/${props.clusterName}/*`), tasks],
      },
      {
        sid: "ListTasksOfCluster",
        effect: "Allow",
        actions: ["ecs:ListTasks", "ecs:ListServices"],
        resources: ["*"],
        condition: inCluster,
      },
      {
        // DescribeTaskDefinition has no resource-level permissions.
        sid: "DescribeTaskDefinitions",
        effect: "Allow",
        actions: ["ecs:DescribeTaskDefinition"],
        resources: ["*"],
      },
      {
        sid: "ExecIntoClusterTasks",
        effect: "Allow",
        actions: ["ecs:ExecuteCommand"],
        resources: [clusterArn, tasks],
      },
      {
        sid: "EncryptExecSessions",
        effect: "Allow",
        actions: ["kms:GenerateDataKey"],
        resources: [props.execKmsKeyArn],
      },
      {
        sid: "ReadWorkspaceLogs",
        effect: "Allow",
        actions: ["logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogStreams"],
        resources: props.logGroupArns.map((arn) => `${arn}:*`),
      },
    ];
    if (props.maintenance) {
      this.statements.push(
        {
          sid: "ReadMaintenanceNetwork",
          effect: "Allow",
          actions: ["ssm:GetParameter"],
          resources: [props.maintenance.networkParameterArn],
        },
        {
          sid: "StartMaintenanceTask",
          effect: "Allow",
          actions: ["ecs:RunTask"],
          resources: [ecs(`task-definition/${props.maintenance.family}:*`)],
          condition: inCluster,
        },
        {
          sid: "StopClusterTasks",
          effect: "Allow",
          actions: ["ecs:StopTask"],
          resources: [tasks],
          condition: inCluster,
        },
        {
          sid: "PassMaintenanceTaskRoles",
          effect: "Allow",
          actions: ["iam:PassRole"],
          resources: props.maintenance.roleArns,
          condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
        },
      );
    }

    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole", "sts:TagSession"],
          principals: [{ type: "AWS", identifiers: props.trustedPrincipals }],
        },
      ],
    });
    this.role = new IamRole(this, "Resource", {
      name: props.name,
      description: "Operators: ECS Exec into the cluster's tasks, its logs, the maintenance task",
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
    });
    const policy = new DataAwsIamPolicyDocument(this, "PolicyDocument", { statement: this.statements });
    new IamRolePolicy(this, "Policy", { name: "operate", role: this.role.id, policy: policy.json });
  }
}
