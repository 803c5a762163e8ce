import { Construct } from "constructs";
import {
  CloudwatchMetricAlarm,
  CloudwatchMetricAlarmConfig,
  CloudwatchMetricAlarmMetricQuery,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { serviceAlarmName, serviceName, workspaceAlarmName } from "../naming";

/**
 * Metrics of an ECS service's alarms that are also its deployment alarms: a rollout that makes its target group
 * answer 5xx or report unhealthy targets is rolled back by ECS.
 */
export const DEPLOYMENT_ALARM_METRICS = ["5xx", "unhealthy-hosts"] as const;

/** Names of the deployment alarms of one ECS service (or one colour of a blue/green service) behind the load balancer. */
export function deploymentAlarmNames(ecsServiceName: string): string[] {
  return DEPLOYMENT_ALARM_METRICS.map((metric) => serviceAlarmName(ecsServiceName, metric));
}

/** Bytes in a GiB and in a MiB: RDS reports storage and memory in bytes. */
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Thresholds of one service's alarms. */
export interface ServiceAlarmThresholds {
  /** Average CPU of the tasks, percent. */
  readonly cpuPercent: number;
  /** Average memory of the tasks, percent. */
  readonly memoryPercent: number;
  /** 5xx responses from the targets per period. */
  readonly target5xxCount: number;
  /** 95th percentile target response time, seconds. */
  readonly responseTimeP95Seconds: number;
  /** 99th percentile target response time, seconds. */
  readonly responseTimeP99Seconds: number;
  /** Unhealthy targets. */
  readonly unhealthyHosts: number;
}

/** One ECS service of a watched service: a rolling service has one, a blue/green service one per colour. */
export interface WatchedEcsService {
  /** ECS service name. */
  readonly name: string;
  /** ARN suffix of its target group (services behind the load balancer). @default - no load balancer alarms */
  readonly targetGroupArnSuffix?: string;
}

export interface WatchedService {
  /** The service's name in the configuration. */
  readonly name: string;
  readonly ecsServices: WatchedEcsService[];
  /** Fewest tasks the service runs (its autoscaling minimum): fewer running tasks alarm. */
  readonly minTasks: number;
  readonly thresholds: ServiceAlarmThresholds;
}

export interface WorkspaceAlarmsProps {
  /** Prefix of the workspace-wide alarms' names and of the services' running-task alarms. */
  readonly namePrefix: string;
  /** Topic every alarm notifies, when it goes into ALARM and when it is OK again. */
  readonly topicArn: string;
  /** Seconds of one evaluation period. */
  readonly periodSeconds: number;
  /** Periods in a row a metric must breach. */
  readonly evaluationPeriods: number;
  /** The ECS cluster the services run in. */
  readonly clusterName: string;
  /** Container Insights is on, so the running task count exists as a metric. */
  readonly containerInsights: boolean;
  readonly services: WatchedService[];
  /** The load balancer's ARN suffix and thresholds. @default - no load balancer alarms */
  readonly loadBalancer?: {
    readonly arnSuffix: string;
    readonly elb5xxCount: number;
    readonly rejectedConnections: number;
  };
  /** The database instance and thresholds. @default - no database alarms */
  readonly database?: {
    readonly identifier: string;
    readonly cpuPercent: number;
    readonly freeStorageGb: number;
    readonly freeableMemoryMb: number;
    readonly connections: number;
  };
  /** NAT gateways by availability zone. */
  readonly natGateways: { readonly zone: string; readonly id: string }[];
  /** Port allocation errors per period above which a NAT gateway alarms. */
  readonly natPortAllocationErrors: number;
}

/** What differs between the alarms; the name, periods and actions are the same for all. */
type AlarmSpec = Omit<
  CloudwatchMetricAlarmConfig,
  "alarmName" | "evaluationPeriods" | "period" | "alarmActions" | "okActions"
>;

/**
 * The workspace's CloudWatch alarms, each notifying the alarm topic when it fires and when it is OK again:
 *
 * | Resource | Alarm (name suffix) | Metric | Fires when |
 * | --- | --- | --- | --- |
 * | ECS service | `cpu`, `memory` | AWS/ECS CPUUtilization, MemoryUtilization (average) | above the threshold |
 * | ECS service | `running-tasks` | ECS/ContainerInsights RunningTaskCount (both colours summed) | below the minimum |
 * | target group | `5xx` | HTTPCode_Target_5XX_Count (sum) | above the threshold (deployment alarm) |
 * | target group | `unhealthy-hosts` | UnHealthyHostCount (maximum) | above the threshold (deployment alarm) |
 * | target group | `p95`, `p99` | TargetResponseTime (p95, p99) | above the threshold |
 * | load balancer | `alb-5xx`, `alb-rejected-connections` | HTTPCode_ELB_5XX_Count, RejectedConnectionCount | above |
 * | database | `db-cpu`, `db-connections` | CPUUtilization, DatabaseConnections | above |
 * | database | `db-free-storage`, `db-freeable-memory` | FreeStorageSpace, FreeableMemory (minimum) | below |
 * | NAT gateway | `nat-<zone>-port-allocation` | ErrorPortAllocation (sum) | above |
 *
 * Missing data counts as fine, except for the running task count, whose absence means no task runs.
 */
export class WorkspaceAlarms extends Construct {
  /** Every alarm by name. */
  public readonly alarms: Record<string, CloudwatchMetricAlarm> = {};
  private readonly props: WorkspaceAlarmsProps;

  constructor(scope: Construct, id: string, props: WorkspaceAlarmsProps) {
    super(scope, id);
    this.props = props;
    if (props.periodSeconds % 60 !== 0) {
      throw new Error(`WorkspaceAlarms: periodSeconds must be a multiple of 60, got ${props.periodSeconds}`);
    }
    for (const svc of props.services) this.serviceAlarms(svc);
    const lb = props.loadBalancer;
    if (lb) {
      const dimensions = { LoadBalancer: lb.arnSuffix };
      this.add(workspaceAlarmName(props.namePrefix, "alb", "5xx"), {
        alarmDescription: "The load balancer itself answers 5xx (no healthy target, timeouts, errors of its own)",
        ...metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", dimensions),
        comparisonOperator: "GreaterThanThreshold",
        threshold: lb.elb5xxCount,
      });
      this.add(workspaceAlarmName(props.namePrefix, "alb", "rejected-connections"), {
        alarmDescription: "The load balancer rejects connections: it reached its maximum connections",
        ...metric("AWS/ApplicationELB", "RejectedConnectionCount", "Sum", dimensions),
        comparisonOperator: "GreaterThanThreshold",
        threshold: lb.rejectedConnections,
      });
    }
    const db = props.database;
    if (db) {
      const dimensions = { DBInstanceIdentifier: db.identifier };
      const name = (m: string) => workspaceAlarmName(props.namePrefix, "db", m);
      this.add(name("cpu"), {
        alarmDescription: `Database CPU above ${db.cpuPercent}%`,
        ...metric("AWS/RDS", "CPUUtilization", "Average", dimensions),
        comparisonOperator: "GreaterThanThreshold",
        threshold: db.cpuPercent,
      });
      this.add(name("free-storage"), {
        alarmDescription: `Database free storage below ${db.freeStorageGb} GiB`,
        ...metric("AWS/RDS", "FreeStorageSpace", "Minimum", dimensions),
        comparisonOperator: "LessThanThreshold",
        threshold: db.freeStorageGb * GIB,
      });
      this.add(name("freeable-memory"), {
        alarmDescription: `Database freeable memory below ${db.freeableMemoryMb} MiB`,
        ...metric("AWS/RDS", "FreeableMemory", "Minimum", dimensions),
        comparisonOperator: "LessThanThreshold",
        threshold: db.freeableMemoryMb * MIB,
      });
      this.add(name("connections"), {
        alarmDescription: `More than ${db.connections} database connections`,
        ...metric("AWS/RDS", "DatabaseConnections", "Maximum", dimensions),
        comparisonOperator: "GreaterThanThreshold",
        threshold: db.connections,
      });
    }
    for (const nat of props.natGateways) {
      this.add(workspaceAlarmName(props.namePrefix, `nat-${nat.zone}`, "port-allocation"), {
        alarmDescription: `The NAT gateway in ${nat.zone} could not allocate a source port: connections were dropped`,
        ...metric("AWS/NATGateway", "ErrorPortAllocation", "Sum", { NatGatewayId: nat.id }),
        comparisonOperator: "GreaterThanThreshold",
        threshold: props.natPortAllocationErrors,
      });
    }
  }

  private serviceAlarms(svc: WatchedService): void {
    const { props } = this;
    const t = svc.thresholds;
    for (const ecs of svc.ecsServices) {
      const dimensions = { ClusterName: props.clusterName, ServiceName: ecs.name };
      this.add(serviceAlarmName(ecs.name, "cpu"), {
        alarmDescription: `${ecs.name}: average CPU above ${t.cpuPercent}%`,
        ...metric("AWS/ECS", "CPUUtilization", "Average", dimensions),
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.cpuPercent,
      });
      this.add(serviceAlarmName(ecs.name, "memory"), {
        alarmDescription: `${ecs.name}: average memory above ${t.memoryPercent}%`,
        ...metric("AWS/ECS", "MemoryUtilization", "Average", dimensions),
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.memoryPercent,
      });
      if (ecs.targetGroupArnSuffix && props.loadBalancer) {
        const target = { LoadBalancer: props.loadBalancer.arnSuffix, TargetGroup: ecs.targetGroupArnSuffix };
        this.add(serviceAlarmName(ecs.name, "5xx"), {
          alarmDescription: `${ecs.name}: more than ${t.target5xxCount} 5xx responses per period (rolls a release back)`,
          ...metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", target),
          comparisonOperator: "GreaterThanThreshold",
          threshold: t.target5xxCount,
        });
        this.add(serviceAlarmName(ecs.name, "unhealthy-hosts"), {
          alarmDescription: `${ecs.name}: more than ${t.unhealthyHosts} unhealthy targets (rolls a release back)`,
          ...metric("AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", target),
          comparisonOperator: "GreaterThanThreshold",
          threshold: t.unhealthyHosts,
        });
        for (const [percentile, seconds] of [
          ["p95", t.responseTimeP95Seconds],
          ["p99", t.responseTimeP99Seconds],
        ] as const) {
          this.add(serviceAlarmName(ecs.name, percentile), {
            alarmDescription: `${ecs.name}: ${percentile} response time above ${seconds} s`,
            namespace: "AWS/ApplicationELB",
            metricName: "TargetResponseTime",
            extendedStatistic: percentile,
            dimensions: target,
            comparisonOperator: "GreaterThanThreshold",
            threshold: seconds,
          });
        }
      }
    }
    if (!props.containerInsights || svc.minTasks === 0) return;
    // The colours of a blue/green service take turns running the tasks: only their sum has a minimum.
    const name = serviceAlarmName(serviceName(props.namePrefix, svc.name), "running-tasks");
    const running = (ecsName: string): CloudwatchMetricAlarmMetricQuery["metric"] => ({
      namespace: "ECS/ContainerInsights",
      metricName: "RunningTaskCount",
      stat: "Average",
      period: props.periodSeconds,
      dimensions: { ClusterName: props.clusterName, ServiceName: ecsName },
    });
    const description = `${svc.name}: fewer than ${svc.minTasks} running tasks`;
    if (svc.ecsServices.length === 1) {
      this.add(name, {
        alarmDescription: description,
        ...metric("ECS/ContainerInsights", "RunningTaskCount", "Average", {
          ClusterName: props.clusterName,
          ServiceName: svc.ecsServices[0].name,
        }),
        comparisonOperator: "LessThanThreshold",
        threshold: svc.minTasks,
        treatMissingData: "breaching",
      });
      return;
    }
    this.add(name, {
      alarmDescription: description,
      metricQuery: [
        ...svc.ecsServices.map((ecs, i) => ({ id: `m${i}`, metric: running(ecs.name), returnData: false })),
        {
          id: "running",
          label: "Running tasks",
          expression: svc.ecsServices.map((_, i) => `FILL(m${i}, 0)`).join(" + "),
          returnData: true,
        },
      ],
      comparisonOperator: "LessThanThreshold",
      threshold: svc.minTasks,
      treatMissingData: "breaching",
    });
  }

  private add(alarmName: string, spec: AlarmSpec): void {
    const { props } = this;
    const usesQueries = spec.metricQuery !== undefined;
    this.alarms[alarmName] = new CloudwatchMetricAlarm(this, alarmName, {
      treatMissingData: "notBreaching",
      ...spec,
      alarmName,
      evaluationPeriods: props.evaluationPeriods,
      period: usesQueries ? undefined : props.periodSeconds,
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
    });
  }
}

function metric(namespace: string, metricName: string, statistic: string, dimensions: Record<string, string>) {
  return { namespace, metricName, statistic, dimensions };
}
