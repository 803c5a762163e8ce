import { Dashboard, DashboardProps, WIDGET_WIDTH } from "../../src/constructs/dashboard";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { synthConstruct } from "../../test/stacks";
import { configAt, onlyAddress } from "../../test/terraform";
import { Lb } from "@cdktf/provider-aws/lib/lb";

interface MetricWidget {
  type: string;
  x: number;
  y: number;
  width: number;
  properties: { title: string; region: string; stat: string; metrics: (string | Record<string, string>)[][] };
}

function props(overrides: Partial<DashboardProps> = {}): DashboardProps {
  return {
    name: "acme-test",
    region: "us-east-1",
    clusterName: "acme-test-cluster",
    services: [
      { name: "web", ecsServices: [{ name: "acme-test-web", targetGroupArnSuffix: "targetgroup/acme-test-web/1" }] },
      { name: "worker", ecsServices: [{ name: "acme-test-worker" }] },
    ],
    loadBalancerArnSuffix: "app/acme-test/123",
    databaseIdentifier: "acme-test",
    ...overrides,
  };
}

function widgetsOf(p: DashboardProps): MetricWidget[] {
  const { parsed } = synthConstruct((scope) => new Dashboard(scope, "Dashboard", p));
  const dashboard = configAt(parsed, onlyAddress(parsed, "aws_cloudwatch_dashboard"));
  expect(dashboard.dashboard_name).toBe(p.name);
  return (JSON.parse(String(dashboard.dashboard_body)) as { widgets: MetricWidget[] }).widgets;
}

/** "namespace metric dim=value ..." for each line of a widget (options left out). */
function lines(widget: MetricWidget): string[] {
  return widget.properties.metrics.map((line) => {
    const parts = line.filter((p): p is string => typeof p === "string");
    const dims = [];
    for (let i = 2; i < parts.length; i += 2) dims.push(`${parts[i]}=${parts[i + 1]}`);
    return [parts[0], parts[1], ...dims].join(" ");
  });
}

describe("Dashboard", () => {
  const widgets = widgetsOf(props());
  const byTitle = (title: string) => {
    const widget = widgets.find((w) => w.properties.title === title);
    if (!widget) throw new Error(`no widget "${title}" among ${widgets.map((w) => w.properties.title).join(", ")}`);
    return widget;
  };

  test("has per service CPU, memory, requests, 5xx and latency, then the load balancer and database", () => {
    expect(widgets.map((w) => w.properties.title)).toEqual([
      "web: CPU %",
      "web: memory %",
      "web: requests",
      "web: 5xx",
      "web: response time (s)",
      "worker: CPU %",
      "worker: memory %",
      "Load balancer: requests",
      "Load balancer: errors",
      "Load balancer: connections",
      "Database: CPU %",
      "Database: connections",
      "Database: free storage and memory (bytes)",
    ]);
  });

  test("graphs the services in their cluster and target groups", () => {
    expect(lines(byTitle("web: CPU %"))).toEqual([
      "AWS/ECS CPUUtilization ClusterName=acme-test-cluster ServiceName=acme-test-web",
    ]);
    expect(lines(byTitle("web: 5xx"))).toEqual([
      "AWS/ApplicationELB HTTPCode_Target_5XX_Count LoadBalancer=app/acme-test/123 TargetGroup=targetgroup/acme-test-web/1",
    ]);
    const latency = byTitle("web: response time (s)").properties.metrics.map(
      (l) => (l.at(-1) as { stat: string }).stat,
    );
    expect(latency).toEqual(["p95", "p99"]);
  });

  test("graphs the load balancer and the database by their identifiers", () => {
    expect(lines(byTitle("Load balancer: errors"))).toEqual([
      "AWS/ApplicationELB HTTPCode_ELB_5XX_Count LoadBalancer=app/acme-test/123",
      "AWS/ApplicationELB HTTPCode_ELB_4XX_Count LoadBalancer=app/acme-test/123",
      "AWS/ApplicationELB RejectedConnectionCount LoadBalancer=app/acme-test/123",
    ]);
    expect(lines(byTitle("Database: connections"))).toEqual([
      "AWS/RDS DatabaseConnections DBInstanceIdentifier=acme-test",
    ]);
  });

  test("lays the widgets out three to a row without overlap", () => {
    const cells = widgets.map((w) => `${w.x},${w.y}`);
    expect(new Set(cells).size).toBe(widgets.length);
    for (const w of widgets) {
      expect(w.width).toBe(WIDGET_WIDTH);
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      expect(w.properties.region).toBe("us-east-1");
    }
  });

  test("names the real resources when given their references", () => {
    const { parsed } = synthConstruct((scope) => {
      const lb = new Lb(scope, "Lb", { name: "acme-test" });
      const group = new LbTargetGroup(scope, "Group", { name: "acme-test-web", port: 80, protocol: "HTTP" });
      new Dashboard(
        scope,
        "Dashboard",
        props({
          services: [{ name: "web", ecsServices: [{ name: "acme-test-web", targetGroupArnSuffix: group.arnSuffix }] }],
          loadBalancerArnSuffix: lb.arnSuffix,
          databaseIdentifier: undefined,
        }),
      );
    });
    const body = JSON.parse(
      String(configAt(parsed, onlyAddress(parsed, "aws_cloudwatch_dashboard")).dashboard_body),
    ) as {
      widgets: MetricWidget[];
    };
    const requests = body.widgets.find((w) => w.properties.title === "web: requests")!;
    expect(lines(requests)).toEqual([
      `AWS/ApplicationELB RequestCount LoadBalancer=\${${onlyAddress(parsed, "aws_lb")}.arn_suffix} TargetGroup=\${${onlyAddress(parsed, "aws_lb_target_group")}.arn_suffix}`,
    ]);
  });

  test("has no load balancer or database widgets without them", () => {
    const titles = widgetsOf(props({ loadBalancerArnSuffix: undefined, databaseIdentifier: undefined })).map(
      (w) => w.properties.title,
    );
    expect(titles).toEqual(["web: CPU %", "web: memory %", "worker: CPU %", "worker: memory %"]);
  });
});
