import {
  deploymentAlarmNames,
  ServiceAlarmThresholds,
  WatchedService,
  WorkspaceAlarms,
  WorkspaceAlarmsProps,
} from "../../src/constructs/alarms";
import { resourcesOf, synthConstruct } from "../../test/stacks";

const TOPIC = "arn:aws:sns:us-east-1:222222222222:acme-test-alarms";
const THRESHOLDS: ServiceAlarmThresholds = {
  cpuPercent: 85,
  memoryPercent: 80,
  target5xxCount: 10,
  responseTimeP95Seconds: 1,
  responseTimeP99Seconds: 3,
  unhealthyHosts: 0,
};

function web(overrides: Partial<WatchedService> = {}): WatchedService {
  return {
    name: "web",
    ecsServices: [{ name: "acme-test-web", targetGroupArnSuffix: "targetgroup/acme-test-web-8080/abc" }],
    minTasks: 2,
    thresholds: THRESHOLDS,
    ...overrides,
  };
}

function props(overrides: Partial<WorkspaceAlarmsProps> = {}): WorkspaceAlarmsProps {
  return {
    namePrefix: "acme-test",
    topicArn: TOPIC,
    periodSeconds: 60,
    evaluationPeriods: 5,
    clusterName: "acme-test-cluster",
    containerInsights: true,
    services: [web()],
    loadBalancer: { arnSuffix: "app/acme-test/123", elb5xxCount: 20, rejectedConnections: 0 },
    database: { identifier: "acme-test", cpuPercent: 80, freeStorageGb: 2, freeableMemoryMb: 128, connections: 90 },
    natGateways: [{ zone: "us-east-1a", id: "nat-0123" }],
    natPortAllocationErrors: 0,
    ...overrides,
  };
}

type Alarm = Record<string, unknown>;
function alarmsOf(p: WorkspaceAlarmsProps): Record<string, Alarm> {
  const { parsed } = synthConstruct((scope) => new WorkspaceAlarms(scope, "Alarms", p));
  return Object.fromEntries(resourcesOf(parsed, "aws_cloudwatch_metric_alarm").map((a) => [String(a.alarm_name), a]));
}

describe("WorkspaceAlarms", () => {
  const alarms = alarmsOf(props());

  test("creates one alarm per metric of each family", () => {
    expect(Object.keys(alarms).sort()).toEqual(
      [
        "acme-test-web-cpu",
        "acme-test-web-memory",
        "acme-test-web-5xx",
        "acme-test-web-unhealthy-hosts",
        "acme-test-web-p95",
        "acme-test-web-p99",
        "acme-test-web-running-tasks",
        "acme-test-alb-5xx",
        "acme-test-alb-rejected-connections",
        "acme-test-db-cpu",
        "acme-test-db-free-storage",
        "acme-test-db-freeable-memory",
        "acme-test-db-connections",
        "acme-test-nat-us-east-1a-port-allocation",
      ].sort(),
    );
  });

  test("every alarm notifies the topic when it fires and when it is OK again", () => {
    for (const alarm of Object.values(alarms)) {
      expect(alarm.alarm_actions).toEqual([TOPIC]);
      expect(alarm.ok_actions).toEqual([TOPIC]);
      expect(alarm.evaluation_periods).toBe(5);
    }
  });

  test("load balancer alarms watch the service's target group", () => {
    const dimensions = { LoadBalancer: "app/acme-test/123", TargetGroup: "targetgroup/acme-test-web-8080/abc" };
    expect(alarms["acme-test-web-5xx"]).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metric_name: "HTTPCode_Target_5XX_Count",
      statistic: "Sum",
      dimensions,
      comparison_operator: "GreaterThanThreshold",
      threshold: 10,
      treat_missing_data: "notBreaching",
    });
    expect(alarms["acme-test-web-unhealthy-hosts"]).toMatchObject({
      metric_name: "UnHealthyHostCount",
      statistic: "Maximum",
      dimensions,
      threshold: 0,
    });
    expect(alarms["acme-test-web-p95"]).toMatchObject({ extended_statistic: "p95", threshold: 1, dimensions });
    expect(alarms["acme-test-web-p99"]).toMatchObject({ extended_statistic: "p99", threshold: 3, dimensions });
    expect(alarms["acme-test-web-p95"].statistic).toBeUndefined();
    expect(alarms["acme-test-alb-5xx"]).toMatchObject({
      metric_name: "HTTPCode_ELB_5XX_Count",
      dimensions: { LoadBalancer: "app/acme-test/123" },
      threshold: 20,
    });
    expect(alarms["acme-test-alb-rejected-connections"]).toMatchObject({ metric_name: "RejectedConnectionCount" });
  });

  test("ECS alarms watch the service in its cluster", () => {
    const dimensions = { ClusterName: "acme-test-cluster", ServiceName: "acme-test-web" };
    expect(alarms["acme-test-web-cpu"]).toMatchObject({
      namespace: "AWS/ECS",
      metric_name: "CPUUtilization",
      dimensions,
      threshold: 85,
    });
    expect(alarms["acme-test-web-memory"]).toMatchObject({ metric_name: "MemoryUtilization", threshold: 80 });
  });

  test("fewer running tasks than the minimum alarms, and so does no data at all", () => {
    expect(alarms["acme-test-web-running-tasks"]).toMatchObject({
      namespace: "ECS/ContainerInsights",
      metric_name: "RunningTaskCount",
      comparison_operator: "LessThanThreshold",
      threshold: 2,
      treat_missing_data: "breaching",
    });
  });

  test("the running task count needs Container Insights and a minimum above zero", () => {
    expect(alarmsOf(props({ containerInsights: false }))["acme-test-web-running-tasks"]).toBeUndefined();
    expect(alarmsOf(props({ services: [web({ minTasks: 0 })] }))["acme-test-web-running-tasks"]).toBeUndefined();
  });

  test("a blue/green service's colours are watched one by one, their running tasks summed", () => {
    const both = alarmsOf(
      props({
        services: [
          web({
            ecsServices: [
              { name: "acme-test-web-blue", targetGroupArnSuffix: "targetgroup/b/1" },
              { name: "acme-test-web-green", targetGroupArnSuffix: "targetgroup/g/2" },
            ],
          }),
        ],
      }),
    );
    expect(both["acme-test-web-blue-5xx"]).toMatchObject({ dimensions: { TargetGroup: "targetgroup/b/1" } });
    expect(both["acme-test-web-green-5xx"]).toMatchObject({ dimensions: { TargetGroup: "targetgroup/g/2" } });
    const running = both["acme-test-web-running-tasks"];
    const queries = running.metric_query as Record<string, unknown>[];
    expect(queries.find((q) => q.return_data === true)?.expression).toBe("FILL(m0, 0) + FILL(m1, 0)");
    expect(queries.map((q) => (q.metric as { dimensions?: object } | undefined)?.dimensions)).toEqual([
      { ClusterName: "acme-test-cluster", ServiceName: "acme-test-web-blue" },
      { ClusterName: "acme-test-cluster", ServiceName: "acme-test-web-green" },
      undefined,
    ]);
    expect(running.period).toBeUndefined();
  });

  test("a worker without a target group has no load balancer alarms", () => {
    const worker = alarmsOf(props({ services: [web({ ecsServices: [{ name: "acme-test-web" }] })] }));
    expect(worker["acme-test-web-5xx"]).toBeUndefined();
    expect(worker["acme-test-web-cpu"]).toBeDefined();
  });

  test("database thresholds are converted to the bytes RDS reports", () => {
    expect(alarms["acme-test-db-free-storage"]).toMatchObject({
      namespace: "AWS/RDS",
      metric_name: "FreeStorageSpace",
      comparison_operator: "LessThanThreshold",
      threshold: 2 * 1024 ** 3,
      dimensions: { DBInstanceIdentifier: "acme-test" },
    });
    expect(alarms["acme-test-db-freeable-memory"]).toMatchObject({ threshold: 128 * 1024 ** 2 });
    expect(alarms["acme-test-db-connections"]).toMatchObject({
      threshold: 90,
      comparison_operator: "GreaterThanThreshold",
    });
    expect(alarms["acme-test-db-cpu"]).toMatchObject({ threshold: 80 });
  });

  test("each NAT gateway has its port allocation alarm", () => {
    expect(alarms["acme-test-nat-us-east-1a-port-allocation"]).toMatchObject({
      namespace: "AWS/NATGateway",
      metric_name: "ErrorPortAllocation",
      dimensions: { NatGatewayId: "nat-0123" },
      threshold: 0,
    });
  });

  test("without a load balancer, database or NAT gateway there are only the services' alarms", () => {
    const few = alarmsOf(props({ loadBalancer: undefined, database: undefined, natGateways: [] }));
    expect(Object.keys(few).sort()).toEqual(
      ["acme-test-web-cpu", "acme-test-web-memory", "acme-test-web-running-tasks"].sort(),
    );
  });

  test("the deployment alarms are the target group's 5xx and unhealthy hosts alarms, which exist", () => {
    expect(deploymentAlarmNames("acme-test-web")).toEqual(["acme-test-web-5xx", "acme-test-web-unhealthy-hosts"]);
    for (const name of deploymentAlarmNames("acme-test-web")) expect(alarms[name]).toBeDefined();
  });

  test("refuses a period that is not whole minutes", () => {
    expect(() => alarmsOf(props({ periodSeconds: 90 }))).toThrow(/periodSeconds must be a multiple of 60/);
  });
});
