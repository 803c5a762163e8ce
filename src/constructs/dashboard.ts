import { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { WatchedEcsService } from "./alarms";

/** Width and height of every widget, in the dashboard's 24-column grid. */
export const WIDGET_WIDTH = 8;
export const WIDGET_HEIGHT = 6;
const COLUMNS = 24 / WIDGET_WIDTH;

export interface DashboardService {
  /** The service's name in the configuration. */
  readonly name: string;
  /** Its ECS services: one, or a blue/green service's two colours. */
  readonly ecsServices: WatchedEcsService[];
}

export interface DashboardProps {
  /** Dashboard name. */
  readonly name: string;
  /** Region the metrics live in. */
  readonly region: string;
  /** The ECS cluster the services run in. */
  readonly clusterName: string;
  readonly services: DashboardService[];
  /** The load balancer's ARN suffix. @default - no load balancer widgets */
  readonly loadBalancerArnSuffix?: string;
  /** The database instance identifier. @default - no database widgets */
  readonly databaseIdentifier?: string;
}

/** One line of a metric widget: namespace, metric name, then dimension name/value pairs, then options. */
type MetricLine = (string | Record<string, string>)[];

interface Widget {
  readonly title: string;
  readonly metrics: MetricLine[];
  readonly stat: string;
}

/**
 * A CloudWatch dashboard of the workspace: per service CPU, memory, requests, 5xx and latency (both colours of a
 * blue/green service on the same graphs), then the load balancer and the database. Widgets are laid out row by row,
 * three to a row.
 */
export class Dashboard extends Construct {
  public readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const widgets: Widget[] = [];
    for (const svc of props.services) {
      const ecs = (metric: string): MetricLine[] =>
        svc.ecsServices.map((s) => [
          "AWS/ECS",
          metric,
          "ClusterName",
          props.clusterName,
          "ServiceName",
          s.name,
          { label: s.name },
        ]);
      widgets.push({ title: `${svc.name}: CPU %`, metrics: ecs("CPUUtilization"), stat: "Average" });
      widgets.push({ title: `${svc.name}: memory %`, metrics: ecs("MemoryUtilization"), stat: "Average" });
      const behindLoadBalancer = svc.ecsServices.filter((s) => s.targetGroupArnSuffix);
      if (props.loadBalancerArnSuffix && behindLoadBalancer.length > 0) {
        const target = (metric: string, stat?: string): MetricLine[] =>
          behindLoadBalancer.map((s) => [
            "AWS/ApplicationELB",
            metric,
            "LoadBalancer",
            props.loadBalancerArnSuffix!,
            "TargetGroup",
            s.targetGroupArnSuffix!,
            (stat ? { label: `${s.name} ${stat}`, stat } : { label: s.name }) as Record<string, string>,
          ]);
        widgets.push({ title: `${svc.name}: requests`, metrics: target("RequestCount"), stat: "Sum" });
        widgets.push({ title: `${svc.name}: 5xx`, metrics: target("HTTPCode_Target_5XX_Count"), stat: "Sum" });
        widgets.push({
          title: `${svc.name}: response time (s)`,
          metrics: [...target("TargetResponseTime", "p95"), ...target("TargetResponseTime", "p99")],
          stat: "p95",
        });
      }
    }
    if (props.loadBalancerArnSuffix) {
      const lb = (metric: string): MetricLine => [
        "AWS/ApplicationELB",
        metric,
        "LoadBalancer",
        props.loadBalancerArnSuffix!,
      ];
      widgets.push({ title: "Load balancer: requests", metrics: [lb("RequestCount")], stat: "Sum" });
      widgets.push({
        title: "Load balancer: errors",
        metrics: [lb("HTTPCode_ELB_5XX_Count"), lb("HTTPCode_ELB_4XX_Count"), lb("RejectedConnectionCount")],
        stat: "Sum",
      });
      widgets.push({ title: "Load balancer: connections", metrics: [lb("ActiveConnectionCount")], stat: "Sum" });
    }
    if (props.databaseIdentifier) {
      const db = (metric: string): MetricLine => ["AWS/RDS", metric, "DBInstanceIdentifier", props.databaseIdentifier!];
      widgets.push({ title: "Database: CPU %", metrics: [db("CPUUtilization")], stat: "Average" });
      widgets.push({ title: "Database: connections", metrics: [db("DatabaseConnections")], stat: "Maximum" });
      widgets.push({
        title: "Database: free storage and memory (bytes)",
        metrics: [db("FreeStorageSpace"), db("FreeableMemory")],
        stat: "Minimum",
      });
    }
    const body = {
      widgets: widgets.map((w, i) => ({
        type: "metric",
        x: (i % COLUMNS) * WIDGET_WIDTH,
        y: Math.floor(i / COLUMNS) * WIDGET_HEIGHT,
        width: WIDGET_WIDTH,
        height: WIDGET_HEIGHT,
        properties: {
          title: w.title,
          region: props.region,
          view: "timeSeries",
          stacked: false,
          stat: w.stat,
          period: 60,
          metrics: w.metrics,
        },
      })),
    };
    this.dashboard = new CloudwatchDashboard(this, "Resource", {
      dashboardName: props.name,
      dashboardBody: JSON.stringify(body),
    });
  }
}
