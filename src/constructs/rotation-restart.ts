import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";

/** Step Functions' own integration with the ECS API: the state machine needs no Lambda function. */
export const UPDATE_SERVICE_RESOURCE = "arn:aws:states:::aws-sdk:ecs:updateService";

export interface RotationRestartProps {
  /** Prefix of the physical names (`<prefix>-restart-on-rotation`, ...). */
  readonly namePrefix: string;
  readonly accountId: string;
  /** ARN of the secret whose rotation restarts the services (e.g. RDS's master user secret). */
  readonly secretArn: string;
  readonly clusterArn: string;
  /**
   * The ECS services that read the secret when a task starts, by a label used as the state's name (plain text,
   * e.g. "api" or "web-blue"), to the service's ARN. Both colours of a blue/green service belong here.
   */
  readonly services: Record<string, string>;
}

/**
 * Restarts the services that read a secret when that secret is rotated. ECS injects a secret into a task when the
 * task starts, so running tasks keep the old value: after RDS rotates the master password they can no longer open
 * new database connections. Secrets Manager records each successful rotation as a `RotationSucceeded` event
 * (through CloudTrail); an EventBridge rule matches the one for this secret and starts a Step Functions state
 * machine that forces a new deployment of every reading service at once (a rolling replacement: new tasks read
 * the new value, old ones drain). The state machine calls UpdateService through Step Functions' AWS SDK
 * integration, as a role allowed exactly that on exactly these services.
 */
export class RotationRestart extends Construct {
  public readonly rule: CloudwatchEventRule;
  public readonly stateMachine: SfnStateMachine;
  /** The role the state machine runs as (ecs:UpdateService on the services). */
  public readonly stateMachineRole: IamRole;
  /** The role EventBridge starts the state machine with. */
  public readonly eventsRole: IamRole;

  constructor(scope: Construct, id: string, props: RotationRestartProps) {
    super(scope, id);
    const labels = Object.keys(props.services).sort();
    if (labels.length === 0) throw new Error("RotationRestart: services must name at least one service");
    const invalid = labels.filter((l) => !/^[A-Za-z0-9_-]{1,80}$/.test(l));
    if (invalid.length > 0) {
      throw new Error(`RotationRestart: service labels must be 1-80 letters, digits, - or _: ${invalid.join(", ")}`);
    }

    const trust = (service: string) =>
      new DataAwsIamPolicyDocument(this, `${service === "states" ? "StateMachine" : "Events"}Trust`, {
        statement: [
          {
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: [`${service}.amazonaws.com`] }],
            condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
          },
        ],
      });

    this.stateMachineRole = new IamRole(this, "StateMachineRole", {
      name: `${props.namePrefix}-restart-on-rotation`,
      description: "Forces a new deployment of the services that read the rotated database secret",
      assumeRolePolicy: trust("states").json,
    });
    const restart = new DataAwsIamPolicyDocument(this, "RestartPolicy", {
      statement: [
        {
          sid: "RestartReaders",
          actions: ["ecs:UpdateService"],
          resources: labels.map((l) => props.services[l]),
        },
      ],
    });
    new IamRolePolicy(this, "Restart", {
      name: "restart-services",
      role: this.stateMachineRole.id,
      policy: restart.json,
    });

    // One branch per service: a service that cannot be restarted (retried first) does not hold back the others,
    // and the execution fails, visibly, with its name.
    const branches = labels.map((label) => ({
      StartAt: label,
      States: {
        [label]: {
          Type: "Task",
          Resource: UPDATE_SERVICE_RESOURCE,
          Parameters: { Cluster: props.clusterArn, Service: props.services[label], ForceNewDeployment: true },
          Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 }],
          End: true,
        },
      },
    }));
    this.stateMachine = new SfnStateMachine(this, "StateMachine", {
      name: `${props.namePrefix}-restart-on-rotation`,
      roleArn: this.stateMachineRole.arn,
      definition: JSON.stringify({
        Comment: "Restart the services that read the database secret, after it was rotated",
        StartAt: "RestartReaders",
        States: { RestartReaders: { Type: "Parallel", Branches: branches, End: true } },
      }),
    });

    this.rule = new CloudwatchEventRule(this, "Rule", {
      name: `${props.namePrefix}-secret-rotated`,
      description: "A rotation of the database secret succeeded: restart the services that read it",
      eventPattern: JSON.stringify({
        source: ["aws.secretsmanager"],
        "detail-type": ["AWS Service Event via CloudTrail"],
        detail: {
          eventSource: ["secretsmanager.amazonaws.com"],
          eventName: ["RotationSucceeded"],
          additionalEventData: { SecretId: [props.secretArn] },
        },
      }),
    });

    this.eventsRole = new IamRole(this, "EventsRole", {
      name: `${props.namePrefix}-rotation-events`,
      description: "Lets EventBridge start the restart-on-rotation state machine",
      assumeRolePolicy: trust("events").json,
    });
    const start = new DataAwsIamPolicyDocument(this, "StartPolicy", {
      statement: [{ sid: "StartRestart", actions: ["states:StartExecution"], resources: [this.stateMachine.arn] }],
    });
    new IamRolePolicy(this, "Start", { name: "start-restart", role: this.eventsRole.id, policy: start.json });

    new CloudwatchEventTarget(this, "Target", {
      rule: this.rule.name,
      targetId: "restart-readers",
      arn: this.stateMachine.arn,
      roleArn: this.eventsRole.arn,
    });
  }
}
