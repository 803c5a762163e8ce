import { Construct } from "constructs";
import { ITerraformDependable, Op, ref } from "cdktf";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LbListenerRule, LbListenerRuleCondition } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ResolvedSecret } from "../lib/secret-references";
import { deploymentAlarmNames } from "./alarms";
import { allowHttpsOut } from "./security-group-link";
import { ecsTasksTrustPolicy, execSessionStatements } from "./task-iam";
import {
  blueGreenServiceName,
  blueGreenTargetGroupName,
  migrationFamily,
  serviceName,
  targetGroupName,
} from "../naming";

/** Seconds autoscaling waits after scaling out / in before the next step. */
export const SCALE_OUT_COOLDOWN_SECONDS = 60;
export const SCALE_IN_COOLDOWN_SECONDS = 300;
/** Directories the SSM agent ECS Exec injects must write to. */
export const EXEC_AGENT_VOLUMES: [string, string][] = [
  ["ssm-agent-state", "/var/lib/amazon/ssm"],
  ["ssm-agent-logs", "/var/log/amazon/ssm"],
];

/** Target-tracking autoscaling of a service's task count. */
export interface ServiceAutoscaling {
  readonly min: number;
  readonly max: number;
  /** Target average CPU, percent. */
  readonly cpuTargetPercent: number;
  /** Target requests per task per minute (services behind the load balancer). */
  readonly requestsPerTarget: number;
}

/** The load balancer's health check of a service's tasks. */
export interface TargetHealthCheck {
  /** Path probed; starts with "/". */
  readonly path: string;
  /** Seconds ECS ignores failing health checks after a task starts. */
  readonly gracePeriodSeconds: number;
  readonly intervalSeconds: number;
  /** HTTP codes that count as healthy, e.g. "200-399". */
  readonly matcher: string;
}

/** A health check run inside the container (Docker HEALTHCHECK). */
export interface ContainerHealthCheck {
  readonly command: string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

/** One statement of what the application may do in AWS (the task role). */
export interface TaskPolicyStatement {
  readonly actions: string[];
  readonly resources: string[];
}

/** What runs and how: one service's container, task size, routing, health checks and rollout settings. */
export interface ContainerServiceSettings {
  /** Service name: part of every name (`<prefix>-<name>`) and the container name. */
  readonly name: string;
  /** Port the container listens on. */
  readonly port: number;
  /** Task CPU units. */
  readonly cpu: number;
  /** Task memory (MiB). */
  readonly memory: number;
  /** Tasks at creation; autoscaling owns the count afterwards. */
  readonly desiredCount: number;
  readonly autoscaling: ServiceAutoscaling;
  /** Command override (the image's CMD otherwise). */
  readonly command?: string[];
  /** Plain, non-secret environment variables. */
  readonly environment: Record<string, string>;
  /** Host names the listener rule matches (with the load balancer). */
  readonly hosts: string[];
  /** Path patterns the listener rule matches (with the load balancer). */
  readonly paths: string[];
  /** Listener rule priority (with the load balancer). */
  readonly priority: number;
  readonly healthCheck: TargetHealthCheck;
  /** A health check inside the container. @default - none */
  readonly containerHealthCheck?: ContainerHealthCheck;
  /** Seconds the load balancer drains a target before removing it. */
  readonly deregistrationDelaySeconds: number;
  readonly deployment: {
    readonly minimumHealthyPercent: number;
    readonly maximumPercent: number;
    /** Minutes a rollout may take before `terraform apply` fails. */
    readonly rolloutTimeoutMinutes: number;
    /** `rolling`: one ECS service replaced in place; `blue-green`: two, traffic moved by releases. */
    readonly strategy: "rolling" | "blue-green";
  };
  /** Mount the root filesystem read-only (with writable /tmp). */
  readonly readonlyRootFilesystem: boolean;
  /** Days the service's log group keeps records. */
  readonly logRetentionDays: number;
  /** Fargate, or the cluster's EC2 capacity provider. */
  readonly capacity: "fargate" | "ec2";
  /** Command of a one-off migration task on the same image. @default - no migration task */
  readonly migrationCommand?: string[];
  /** What the application may do in AWS; nothing when empty. */
  readonly taskPolicy: TaskPolicyStatement[];
}

/** The two colours of a blue/green service. */
export const BLUE_GREEN_SLOTS = ["blue", "green"] as const;
export type BlueGreenSlot = (typeof BLUE_GREEN_SLOTS)[number];

/** One ECS service of a ContainerService, with its autoscaling and target group. */
export interface ServiceSlot {
  readonly service: EcsService;
  readonly scalingTarget: AppautoscalingTarget;
  readonly targetGroup?: LbTargetGroup;
}

interface SlotOptions {
  /** Suffix of the construct ids ("" for a rolling service, so its addresses never change). */
  readonly id: string;
  readonly name: string;
  readonly desiredCount: number;
  readonly targetGroup?: LbTargetGroup;
  readonly dependsOn: ITerraformDependable[];
  readonly rolloutTimeout: string;
  readonly blueGreen: boolean;
}

export interface LoadBalancerAttachment {
  readonly listenerArn: string;
  /** The load balancer's ARN suffix, for request-count scaling. */
  readonly arnSuffix: string;
}

export interface ContainerServiceProps {
  /** Prefix of every name (`<prefix>-<service>`). */
  readonly namePrefix: string;
  /** Region, for the awslogs driver and KMS conditions. */
  readonly region: string;
  /** Account, for the ecs-tasks trust policy's confused-deputy guard. */
  readonly accountId: string;
  /** What runs and how. */
  readonly service: ContainerServiceSettings;
  /** Cluster the service runs in. */
  readonly clusterArn: string;
  readonly clusterName: string;
  /** Capacity provider strategy for Fargate services. */
  readonly fargateStrategy: { capacityProvider: string; weight: number; base?: number }[];
  /** Resources the service must wait for, e.g. the cluster's capacity provider association. @default [] */
  readonly dependsOn?: ITerraformDependable[];
  /** EC2 capacity provider, for services with `capacity: "ec2"`. */
  readonly ec2CapacityProviderName?: string;
  /** VPC of the service's security group and target group. */
  readonly vpcId: string;
  /** App-tier subnets the tasks run in. */
  readonly subnetIds: string[];
  /** The service's ECR repository; the execution role may pull from it only. */
  readonly repositoryUrl: string;
  readonly repositoryArn: string;
  /**
   * Name of the SSM parameter holding the image the service runs (`<repository>@sha256:...`, written by a release).
   * Pass the parameter resource's `name` so it is read after the parameter exists.
   */
  readonly imageParameterName: string;
  /** Container secrets by environment variable, already resolved to ARNs. */
  readonly secrets: Record<string, ResolvedSecret>;
  /** KMS key the secrets, parameters, logs and exec sessions are encrypted with. */
  readonly kmsKeyArn: string;
  /** Behind the load balancer when given. */
  readonly loadBalancer?: LoadBalancerAttachment;
  /** The load balancer's test listener, which a blue/green service's standby colour is reached through. */
  readonly testListenerArn?: string;
  /** Allow ECS Exec into the tasks. */
  readonly execEnabled: boolean;
  /** Log group ECS Exec sessions are written to (needed when execEnabled). */
  readonly execLogGroupArn?: string;
  /**
   * Give each ECS service behind the load balancer its deployment alarms (its target group's 5xx and unhealthy
   * hosts alarms, named by {@link deploymentAlarmNames}): a rollout that trips one is rolled back by ECS. The alarms
   * themselves are created by WorkspaceAlarms.
   */
  readonly deploymentAlarms: boolean;
}

/**
 * One service of the workload: its image tag read from SSM (so a plan never rolls back what CI deployed), a task
 * definition with separate execution and task roles, secrets injected by reference, an encrypted log group, a
 * security group that only the load balancer can reach, an ECS service with circuit-breaker rollback, a target
 * group and listener rule on the shared HTTPS listener, target-tracking autoscaling on CPU and requests, and an
 * optional one-off migration task definition.
 */
export class ContainerService extends Construct {
  public readonly service: EcsService;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly migrationTaskDefinition?: EcsTaskDefinition;
  public readonly securityGroup: SecurityGroup;
  public readonly executionRole: IamRole;
  public readonly taskRole: IamRole;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly targetGroup?: LbTargetGroup;
  public readonly listenerRule?: LbListenerRule;
  public readonly scalingTarget: AppautoscalingTarget;
  /** The ECS services: `live` for a rolling service, `blue` and `green` for a blue/green one. */
  public readonly slots: Partial<Record<"live" | BlueGreenSlot, ServiceSlot>>;
  /** The rule of the test listener that reaches a blue/green service's standby colour. */
  public readonly testListenerRule?: LbListenerRule;
  private readonly settings: ContainerServiceSettings;
  private readonly props: ContainerServiceProps;

  constructor(scope: Construct, id: string, props: ContainerServiceProps) {
    super(scope, id);
    const svc = props.service;
    this.settings = svc;
    this.props = props;
    const name = serviceName(props.namePrefix, svc.name);
    const execEnabled = props.execEnabled;
    const rolloutTimeout = `${svc.deployment.rolloutTimeoutMinutes}m`;
    const onEc2 = svc.capacity === "ec2";
    if (onEc2 && !props.ec2CapacityProviderName) {
      throw new Error(`ContainerService ${svc.name}: capacity "ec2" needs ec2CapacityProviderName`);
    }
    if (execEnabled && !props.execLogGroupArn) {
      throw new Error(`ContainerService ${svc.name}: execEnabled needs execLogGroupArn`);
    }

    this.logGroup = new CloudwatchLogGroup(this, "Logs", {
      name: `/ecs/${props.namePrefix}/${svc.name}`,
      retentionInDays: svc.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });

    const execution = this.createExecutionRole(props, name);
    this.executionRole = execution.role;
    this.taskRole = this.createTaskRole(props, name, execEnabled);

    // The image comes from the parameter a release writes, so a plan never rolls back what was released, and an
    // infrastructure change deploys the released image.
    const image = new DataAwsSsmParameter(this, "Image", { name: props.imageParameterName }).insecureValue;
    const logOptions = (prefix: string) => ({
      logDriver: "awslogs",
      options: { "awslogs-group": this.logGroup.name, "awslogs-region": props.region, "awslogs-stream-prefix": prefix },
    });
    const environment = Object.entries(svc.environment)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({ name: key, value }));
    const secrets = Object.entries(props.secrets)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, ref]) => ({ name: key, valueFrom: ref.valueFrom }));
    // With a read-only root filesystem, /tmp and (for ECS Exec) the SSM agent's state and log directories must be
    // writable volumes, or the application and `execute-command` fail at run time.
    const writableVolumes: [string, string][] = svc.readonlyRootFilesystem
      ? [["tmp", "/tmp"], ...(execEnabled ? EXEC_AGENT_VOLUMES : [])]
      : [];
    const container = (overrides: Record<string, unknown>) => ({
      name: svc.name,
      image,
      essential: true,
      readonlyRootFilesystem: svc.readonlyRootFilesystem,
      ...(environment.length > 0 ? { environment } : {}),
      ...(secrets.length > 0 ? { secrets } : {}),
      ...(writableVolumes.length > 0
        ? {
            mountPoints: writableVolumes.map(([volume, containerPath]) => ({
              sourceVolume: volume,
              containerPath,
              readOnly: false,
            })),
          }
        : {}),
      // ECS Exec needs an init process to reap the sessions' processes.
      ...(execEnabled ? { linuxParameters: { initProcessEnabled: true } } : {}),
      ...overrides,
    });
    const taskDefinition = (id: string, family: string, definition: Record<string, unknown>) =>
      new EcsTaskDefinition(this, id, {
        family,
        cpu: String(svc.cpu),
        memory: String(svc.memory),
        networkMode: "awsvpc",
        requiresCompatibilities: [onEc2 ? "EC2" : "FARGATE"],
        executionRoleArn: this.executionRole.arn,
        taskRoleArn: this.taskRole.arn,
        volume: writableVolumes.length > 0 ? writableVolumes.map(([volume]) => ({ name: volume })) : undefined,
        containerDefinitions: JSON.stringify([definition]),
        // A release registers new revisions of the family outside Terraform; Terraform reads the latest one, which
        // holds the same definition with the released image, so a plan after a release shows no change.
        trackLatest: true,
        // Tasks started before the role's policy exists could not pull the image or read their secrets.
        dependsOn: [execution.policy],
      });

    this.taskDefinition = taskDefinition(
      "TaskDefinition",
      name,
      container({
        portMappings: [{ containerPort: svc.port, hostPort: svc.port, protocol: "tcp" }],
        logConfiguration: logOptions(svc.name),
        ...(svc.command ? { command: svc.command } : {}),
        ...(svc.containerHealthCheck
          ? {
              healthCheck: {
                command: svc.containerHealthCheck.command,
                interval: svc.containerHealthCheck.intervalSeconds,
                timeout: svc.containerHealthCheck.timeoutSeconds,
                retries: svc.containerHealthCheck.retries,
                startPeriod: svc.containerHealthCheck.startPeriodSeconds,
              },
            }
          : {}),
      }),
    );
    if (svc.migrationCommand) {
      this.migrationTaskDefinition = taskDefinition(
        "MigrationTaskDefinition",
        migrationFamily(props.namePrefix, svc.name),
        container({ command: svc.migrationCommand, logConfiguration: logOptions("migrate") }),
      );
    }

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name,
      description: `Tasks of ${name}: in only from the load balancer, out to HTTPS and the database`,
      vpcId: props.vpcId,
      tags: { Name: name },
    });
    allowHttpsOut(this, "HttpsOut", this.securityGroup.id, "AWS APIs, ECR and third-party HTTPS APIs");

    const blueGreen = svc.deployment.strategy === "blue-green";
    if (blueGreen && (!props.loadBalancer || !props.testListenerArn)) {
      throw new Error(
        `ContainerService ${svc.name}: the blue-green strategy needs the load balancer and its test listener (testListenerArn)`,
      );
    }
    const conditions: LbListenerRuleCondition[] = [];
    if (svc.hosts.length > 0) conditions.push({ hostHeader: { values: svc.hosts } });
    if (svc.paths.length > 0) conditions.push({ pathPattern: { values: svc.paths } });

    if (!blueGreen) {
      const targetGroup = props.loadBalancer
        ? this.createTargetGroup("TargetGroup", targetGroupName(props.namePrefix, svc.name, svc.port), name)
        : undefined;
      if (targetGroup && props.loadBalancer) {
        this.targetGroup = targetGroup;
        this.listenerRule = new LbListenerRule(this, "ListenerRule", {
          listenerArn: props.loadBalancer.listenerArn,
          priority: svc.priority,
          action: [{ type: "forward", targetGroupArn: targetGroup.arn }],
          condition: conditions,
          tags: { Name: name },
        });
      }
      const slot = this.createSlot(props, {
        id: "",
        name,
        desiredCount: svc.desiredCount,
        targetGroup,
        dependsOn: this.listenerRule ? [this.listenerRule] : [],
        rolloutTimeout,
        blueGreen: false,
      });
      this.service = slot.service;
      this.scalingTarget = slot.scalingTarget;
      this.slots = { live: slot };
      return;
    }

    // Blue/green: two ECS services on the same task definition family, each behind its own target group. The
    // production rule forwards to both with weights (blue 100, green 0 at creation); the test listener's rule
    // forwards to the standby. Releases and promotions move the weights and the task definitions; Terraform only
    // creates them, so it never shifts traffic or reverts a promotion.
    const slots = {} as Record<BlueGreenSlot, ServiceSlot>;
    const groups = {} as Record<BlueGreenSlot, LbTargetGroup>;
    for (const slot of BLUE_GREEN_SLOTS) {
      groups[slot] = this.createTargetGroup(
        `TargetGroup-${slot}`,
        blueGreenTargetGroupName(props.namePrefix, svc.name, slot, svc.port),
        blueGreenServiceName(props.namePrefix, svc.name, slot),
      );
    }
    const weighted = (weights: Record<BlueGreenSlot, number>) => ({
      type: "forward",
      forward: { targetGroup: BLUE_GREEN_SLOTS.map((slot) => ({ arn: groups[slot].arn, weight: weights[slot] })) },
    });
    this.listenerRule = new LbListenerRule(this, "ListenerRule", {
      listenerArn: props.loadBalancer!.listenerArn,
      priority: svc.priority,
      action: [weighted({ blue: 100, green: 0 })],
      condition: conditions,
      tags: { Name: name },
      lifecycle: { ignoreChanges: ["action"] },
    });
    this.testListenerRule = new LbListenerRule(this, "TestListenerRule", {
      listenerArn: props.testListenerArn!,
      priority: svc.priority,
      action: [{ type: "forward", targetGroupArn: groups.green.arn }],
      condition: conditions,
      tags: { Name: `${name}-test` },
      lifecycle: { ignoreChanges: ["action"] },
    });
    for (const slot of BLUE_GREEN_SLOTS) {
      slots[slot] = this.createSlot(props, {
        id: `-${slot}`,
        name: blueGreenServiceName(props.namePrefix, svc.name, slot),
        desiredCount: slot === "blue" ? svc.desiredCount : 0,
        targetGroup: groups[slot],
        dependsOn: [this.listenerRule, this.testListenerRule],
        rolloutTimeout,
        blueGreen: true,
      });
    }
    this.service = slots.blue.service;
    this.scalingTarget = slots.blue.scalingTarget;
    this.targetGroup = groups.blue;
    this.slots = slots;
  }

  private createTargetGroup(id: string, groupName: string, tagName: string): LbTargetGroup {
    const svc = this.settings;
    return new LbTargetGroup(this, id, {
      name: groupName,
      port: svc.port,
      protocol: "HTTP",
      targetType: "ip",
      vpcId: this.props.vpcId,
      deregistrationDelay: String(svc.deregistrationDelaySeconds),
      healthCheck: {
        enabled: true,
        path: svc.healthCheck.path,
        matcher: svc.healthCheck.matcher,
        interval: svc.healthCheck.intervalSeconds,
        timeout: 5,
        healthyThreshold: 3,
        unhealthyThreshold: 3,
      },
      tags: { Name: tagName },
      lifecycle: { createBeforeDestroy: true },
    });
  }

  /** One ECS service with its autoscaling: the service itself (rolling) or one colour of a blue/green pair. */
  private createSlot(props: ContainerServiceProps, slot: SlotOptions): ServiceSlot {
    const svc = props.service;
    const onEc2 = svc.capacity === "ec2";
    const service = new EcsService(this, `Service${slot.id}`, {
      name: slot.name,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: slot.desiredCount,
      capacityProviderStrategy: onEc2
        ? [{ capacityProvider: props.ec2CapacityProviderName!, weight: 1 }]
        : props.fargateStrategy,
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: [this.securityGroup.id],
        assignPublicIp: false,
      },
      loadBalancer: slot.targetGroup
        ? [{ targetGroupArn: slot.targetGroup.arn, containerName: svc.name, containerPort: svc.port }]
        : undefined,
      healthCheckGracePeriodSeconds: slot.targetGroup ? svc.healthCheck.gracePeriodSeconds : undefined,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      alarms:
        props.deploymentAlarms && slot.targetGroup
          ? { alarmNames: deploymentAlarmNames(slot.name), enable: true, rollback: true }
          : undefined,
      deploymentMinimumHealthyPercent: svc.deployment.minimumHealthyPercent,
      deploymentMaximumPercent: svc.deployment.maximumPercent,
      enableExecuteCommand: props.execEnabled,
      // Lets a changed capacity provider strategy roll out as a deployment instead of replacing the service.
      forceNewDeployment: true,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      // An apply returns only when the rollout has settled, within the configured time.
      waitForSteadyState: true,
      timeouts: { create: slot.rolloutTimeout, update: slot.rolloutTimeout },
      lifecycle: slot.blueGreen
        ? {
            // Releases own which revision each colour runs and how many tasks it has.
            ignoreChanges: ["desired_count", "task_definition"],
          }
        : {
            // Autoscaling owns the running count after creation.
            ignoreChanges: ["desired_count"],
            // The provider's wait also ends when the circuit breaker has rolled the service back to its previous
            // task definition; then the service does not run the revision Terraform registered, and the apply
            // must fail.
            postcondition: [
              {
                condition: Op.eq(ref("self.task_definition"), this.taskDefinition.arn),
                errorMessage:
                  `The rollout of ${slot.name} did not complete: ECS rolled the service back to its previous task ` +
                  `definition (the deployment circuit breaker). See the service's events and stopped tasks, fix the ` +
                  `cause, and apply again.`,
              },
            ],
          },
      dependsOn: [...(props.dependsOn ?? []), ...slot.dependsOn],
      tags: { Name: slot.name },
    });

    const standby = slot.blueGreen && slot.desiredCount === 0;
    const scalingTarget = new AppautoscalingTarget(this, `ScalingTarget${slot.id}`, {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${service.name}`,
      minCapacity: standby ? 0 : svc.autoscaling.min,
      maxCapacity: standby ? 0 : svc.autoscaling.max,
      // Releases scale the colours of a blue/green pair up and down.
      lifecycle: slot.blueGreen ? { ignoreChanges: ["min_capacity", "max_capacity"] } : undefined,
    });
    const tracking = (id: string, metric: string, target: number, resourceLabel?: string) =>
      new AppautoscalingPolicy(this, `${id}${slot.id}`, {
        name: `${slot.name}-${id.toLowerCase()}`,
        policyType: "TargetTrackingScaling",
        serviceNamespace: scalingTarget.serviceNamespace,
        scalableDimension: scalingTarget.scalableDimension,
        resourceId: scalingTarget.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: target,
          scaleInCooldown: SCALE_IN_COOLDOWN_SECONDS,
          scaleOutCooldown: SCALE_OUT_COOLDOWN_SECONDS,
          predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel },
        },
      });
    tracking("Cpu", "ECSServiceAverageCPUUtilization", svc.autoscaling.cpuTargetPercent);
    if (slot.targetGroup && props.loadBalancer) {
      tracking(
        "Requests",
        "ALBRequestCountPerTarget",
        svc.autoscaling.requestsPerTarget,
        `${props.loadBalancer.arnSuffix}/${slot.targetGroup.arnSuffix}`,
      );
    }
    return { service, scalingTarget, targetGroup: slot.targetGroup };
  }

  private createExecutionRole(props: ContainerServiceProps, name: string): { role: IamRole; policy: IamRolePolicy } {
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      { sid: "EcrAuth", effect: "Allow", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
      {
        sid: "PullOwnImage",
        effect: "Allow",
        actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        resources: [props.repositoryArn],
      },
      {
        sid: "WriteOwnLogs",
        effect: "Allow",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${this.logGroup.arn}:*`],
      },
    ];
    const refs = Object.values(props.secrets);
    const secretArns = unique(refs.filter((r) => r.kind === "secretsmanager").map((r) => r.resourceArn));
    const parameterArns = unique(refs.filter((r) => r.kind === "ssm").map((r) => r.resourceArn));
    if (secretArns.length > 0) {
      statements.push({
        sid: "ReadReferencedSecrets",
        effect: "Allow",
        actions: ["secretsmanager:GetSecretValue"],
        resources: secretArns,
      });
    }
    if (parameterArns.length > 0) {
      statements.push({
        sid: "ReadReferencedParameters",
        effect: "Allow",
        actions: ["ssm:GetParameters"],
        resources: parameterArns,
      });
    }
    if (refs.length > 0) {
      statements.push({
        sid: "DecryptThroughSecretsAndParameters",
        effect: "Allow",
        actions: ["kms:Decrypt"],
        resources: [props.kmsKeyArn],
        condition: [
          {
            test: "StringEquals",
            variable: "kms:ViaService",
            values: [`secretsmanager.${props.region}.amazonaws.com`, `ssm.${props.region}.amazonaws.com`],
          },
        ],
      });
    }
    const role = new IamRole(this, "ExecutionRole", {
      name: `${name}-execution`,
      description: `ECS pulls the image, writes logs and reads the secrets of ${name}`,
      assumeRolePolicy: ecsTasksTrustPolicy(this, "ExecutionTrust", props.accountId),
    });
    const policy = new DataAwsIamPolicyDocument(this, "ExecutionPolicyDocument", { statement: statements });
    return {
      role,
      policy: new IamRolePolicy(this, "ExecutionPolicy", { name: "execution", role: role.id, policy: policy.json }),
    };
  }

  private createTaskRole(props: ContainerServiceProps, name: string, execEnabled: boolean): IamRole {
    const statements: DataAwsIamPolicyDocumentStatement[] = props.service.taskPolicy.map((s, i) => ({
      sid: `App${i}`,
      effect: "Allow",
      actions: s.actions,
      resources: s.resources,
    }));
    if (execEnabled) statements.push(...execSessionStatements(props.kmsKeyArn, props.execLogGroupArn!));
    const role = new IamRole(this, "TaskRole", {
      name: `${name}-task`,
      description: `What the application of ${name} may do in AWS`,
      assumeRolePolicy: ecsTasksTrustPolicy(this, "TaskTrust", props.accountId),
    });
    if (statements.length > 0) {
      const policy = new DataAwsIamPolicyDocument(this, "TaskPolicyDocument", { statement: statements });
      new IamRolePolicy(this, "TaskPolicy", { name: "task", role: role.id, policy: policy.json });
    }
    return role;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
