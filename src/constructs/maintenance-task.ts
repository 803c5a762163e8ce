import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { EXEC_AGENT_VOLUMES } from "./container-service";
import { allowHttpsOut } from "./security-group-link";
import { ecsTasksTrustPolicy, execSessionStatements } from "./task-iam";
import { maintenanceFamily } from "../naming";

export const MAINTENANCE_CONTAINER = "maintenance";
export const MAINTENANCE_LOG_RETENTION_DAYS = 90;
/** Fargate size of the maintenance task: the smallest, since it only runs a database client. */
export const MAINTENANCE_TASK_CPU = 256;
export const MAINTENANCE_TASK_MEMORY = 512;

export interface MaintenanceTaskProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: string;
  readonly vpcId: string;
  /** A database client image, e.g. postgres:16-alpine. */
  readonly image: string;
  /** Minutes without an ECS Exec session after which the task stops itself. */
  readonly idleMinutes: number;
  readonly kmsKeyArn: string;
  /** Log group ECS Exec sessions are written to. */
  readonly execLogGroupArn: string;
}

/**
 * The maintenance container's command: wait, checking once a minute for an ECS Exec session (each runs an
 * `ssm-session-worker` process in the container), and exit after `idleMinutes` minutes in a row without one, which
 * stops the task. It reads /proc rather than calling ps, which database client images often lack; the bracket in the
 * pattern keeps grep from finding its own command line.
 */
export function idleStopScript(idleMinutes: number): string {
  return [
    `limit=${idleMinutes}; idle=0`,
    `echo "maintenance task up; it stops after $limit minutes without an ECS Exec session"`,
    `while [ "$idle" -lt "$limit" ]; do sleep 60; if grep -qs 'ssm-session-worke[r]' /proc/[0-9]*/cmdline; then idle=0; else idle=$((idle + 1)); fi; done`,
    `echo "no ECS Exec session for $limit minutes: stopping"`,
  ].join("; ");
}

/**
 * A task operators `aws ecs execute-command` into to reach the database: a database client image that waits (and
 * stops itself after `idleMinutes` without a session), no inbound traffic at all, egress only to HTTPS (for the exec
 * channel) and, through a SecurityGroupLink, the database port. Its root filesystem is read-only: /tmp (the client's
 * home, for its history) and the directories of the ECS Exec agent are the only writable places. Run it on demand;
 * it costs nothing while stopped.
 */
export class MaintenanceTask extends Construct {
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly securityGroup: SecurityGroup;
  public readonly taskRole: IamRole;
  /** The role ECS starts the task with (pulls nothing private, writes its logs). */
  public readonly executionRole: IamRole;
  /** The task's log group. */
  public readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: MaintenanceTaskProps) {
    super(scope, id);
    const name = maintenanceFamily(props.namePrefix);
    const logGroup = (this.logGroup = new CloudwatchLogGroup(this, "Logs", {
      name: `/ecs/${props.namePrefix}/maintenance`,
      retentionInDays: MAINTENANCE_LOG_RETENTION_DAYS,
      kmsKeyId: props.kmsKeyArn,
    }));
    const trust = ecsTasksTrustPolicy(this, "Trust", props.accountId);
    const executionRole = (this.executionRole = new IamRole(this, "ExecutionRole", {
      name: `${name}-execution`,
      description: "ECS writes the maintenance task's logs",
      assumeRolePolicy: trust,
    }));
    const executionPolicy = new DataAwsIamPolicyDocument(this, "ExecutionPolicyDocument", {
      statement: [
        { effect: "Allow", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logGroup.arn}:*`] },
      ],
    });
    new IamRolePolicy(this, "ExecutionPolicy", {
      name: "execution",
      role: executionRole.id,
      policy: executionPolicy.json,
    });

    this.taskRole = new IamRole(this, "TaskRole", {
      name: `${name}-task`,
      description: "ECS Exec sessions into the maintenance task",
      assumeRolePolicy: trust,
    });
    const taskPolicy = new DataAwsIamPolicyDocument(this, "TaskPolicyDocument", {
      statement: execSessionStatements(props.kmsKeyArn, props.execLogGroupArn),
    });
    new IamRolePolicy(this, "TaskPolicy", { name: "exec", role: this.taskRole.id, policy: taskPolicy.json });

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name,
      description: "Maintenance task: no inbound; out to HTTPS and the database",
      vpcId: props.vpcId,
      tags: { Name: name },
    });
    allowHttpsOut(this, "HttpsOut", this.securityGroup.id, "ECS Exec channel");

    const writableVolumes: [string, string][] = [["tmp", "/tmp"], ...EXEC_AGENT_VOLUMES];
    this.taskDefinition = new EcsTaskDefinition(this, "TaskDefinition", {
      family: name,
      cpu: String(MAINTENANCE_TASK_CPU),
      memory: String(MAINTENANCE_TASK_MEMORY),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      executionRoleArn: executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      containerDefinitions: JSON.stringify([
        {
          name: MAINTENANCE_CONTAINER,
          image: props.image,
          essential: true,
          command: ["sh", "-c", idleStopScript(props.idleMinutes)],
          readonlyRootFilesystem: true,
          // psql and mysql keep their history and settings in $HOME.
          environment: [{ name: "HOME", value: "/tmp" }],
          mountPoints: writableVolumes.map(([volume, containerPath]) => ({
            sourceVolume: volume,
            containerPath,
            readOnly: false,
          })),
          linuxParameters: { initProcessEnabled: true },
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": logGroup.name,
              "awslogs-region": props.region,
              "awslogs-stream-prefix": "maintenance",
            },
          },
        },
      ]),
      volume: writableVolumes.map(([volume]) => ({ name: volume })),
    });
  }
}
