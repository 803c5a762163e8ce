import { z } from "zod";
import type { WorkspaceConfig } from "../config";
import { DATABASE_ENGINES, DatabaseEngine } from "../constructs/database-engines";
import {
  CapacityProviderStrategyItem,
  EC2_ROOT_VOLUME_GB,
  fargateCapacityStrategy,
} from "../constructs/container-cluster";
import { PERFORMANCE_INSIGHTS_RETENTION_DAYS } from "../constructs/database";
import { MAINTENANCE_TASK_CPU, MAINTENANCE_TASK_MEMORY } from "../constructs/maintenance-task";
import { INTERFACE_ENDPOINT_SERVICES, natGatewayCount } from "../constructs/network";

/**
 * A monthly cost estimate of one workspace: what its stack creates (read from its configuration and from the
 * constructs' own arithmetic), priced from a price book (`data/prices/<region>.json`), with the usage that no
 * configuration states (GB through NAT, log volume, load balancer capacity units) taken from documented assumptions.
 */

/** AWS bills hourly resources over a 730-hour month (8,760 hours / 12). */
export const HOURS_PER_MONTH = 730;

// ---------------------------------------------------------------------------------------------------------------
// The price book
// ---------------------------------------------------------------------------------------------------------------

const httpsUrl = z.string().regex(/^https:\/\/\S+$/, { error: "must be an https:// address" });

/** Where a figure was read, or that it is an assumption: every figure says one or the other. */
function evidenced<T extends z.core.$ZodLooseShape>(shape: T) {
  return z
    .strictObject({
      ...shape,
      /** The figure was not found in a source; it is an assumption to check. */
      assumed: z.literal(true).optional(),
      /** The page the figure was read on (AWS's own, a verbatim transcription of it, or a page quoting it). */
      foundIn: httpsUrl.optional(),
      note: z.string().min(1).optional(),
    })
    .check((ctx) => {
      const figure = ctx.value as { assumed?: true; foundIn?: string };
      if (figure.assumed !== true && figure.foundIn === undefined) {
        ctx.issues.push({
          code: "custom",
          input: ctx.value,
          message:
            'names neither where the figure was found ("foundIn") nor that it is an assumption ("assumed": true)',
        });
      }
    });
}

const price = evidenced({ usd: z.number().min(0) });
const ratio = evidenced({ fraction: z.number().min(0).max(1) });
const priceTable = z.record(z.string(), price);

/** One service's prices, with the AWS pricing pages they belong to. */
function section<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject({ source: z.array(httpsUrl).min(1), note: z.string().min(1).optional(), ...shape });
}

const ENGINES = Object.keys(DATABASE_ENGINES) as [DatabaseEngine, ...DatabaseEngine[]];

export const priceBookSchema = z
  .strictObject({
    /** The AWS region the prices are for. */
    region: z.string().min(1),
    currency: z.literal("USD"),
    /** The date the figures were taken, YYYY-MM-DD. */
    recorded: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date, YYYY-MM-DD" }),
    /** The AWS pricing pages the figures come from. */
    source: z.array(httpsUrl).min(1),
    note: z.string().min(1).optional(),
    natGateway: section({ hour: price, gbProcessed: price }),
    /** Every public IPv4 address, in use or idle. */
    publicIpv4: section({ hour: price }),
    /** Per endpoint and availability zone, and per GB processed. */
    interfaceEndpoint: section({ azHour: price, gbProcessed: price }),
    /** Application load balancer. */
    loadBalancer: section({ hour: price, lcuHour: price }),
    /** Linux/x86; Spot as a discount off these. */
    fargate: section({ vcpuHour: price, gbHour: price, spotDiscount: ratio }),
    /** On-demand Linux instance-hours by instance type, and gp3 volumes. */
    ec2: section({ instanceHour: priceTable, gp3GbMonth: price }),
    /** Single-AZ instance-hours by engine and instance class. */
    rds: section({
      instanceHour: z.record(z.enum(ENGINES), priceTable),
      gp3GbMonth: price,
      gp3GbMonthMultiAz: price,
      backupGbMonth: price,
      performanceInsights7DaysMonth: price,
    }),
    kms: section({ keyMonth: price }),
    cloudwatch: section({ logsIngestedGb: price, logsStoredGbMonth: price, metricMonth: price }),
    route53: section({ hostedZoneMonth: price }),
    secretsManager: section({ secretMonth: price }),
    /** Not created yet; recorded so a web ACL on the load balancer can be costed. */
    waf: section({ webAclMonth: price, ruleMonth: price, millionRequests: price }),
  })
  .check((ctx) => {
    const listed = new Set(ctx.value.source);
    for (const [key, value] of Object.entries(ctx.value)) {
      if (typeof value !== "object" || value === null || !("source" in value)) continue;
      (value as { source: string[] }).source.forEach((url, i) => {
        if (!listed.has(url)) {
          ctx.issues.push({
            code: "custom",
            input: url,
            path: [key, "source", i],
            message: `${url} is missing from the top-level "source" list; list every AWS pricing page there`,
          });
        }
      });
    }
  });

/** One recorded figure: a price in USD, or (`fraction`) a discount. */
export type Price = z.output<typeof price>;
export type Ratio = z.output<typeof ratio>;

/** AWS list prices for one region, as recorded in `data/prices/<region>.json`. */
export type PriceBook = z.output<typeof priceBookSchema> & {
  /** The file the prices were read from, relative to the project root (for messages). */
  readonly file: string;
};

/** A price book that cannot be used, or a price the estimate needs and the book lacks. */
export class PriceBookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PriceBookError";
  }
}

/** Validates the contents of a price book file; the error names the file, each field and what is wrong with it. */
export function parsePriceBook(raw: unknown, file: string): PriceBook {
  const result = priceBookSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `  - ${i.path.join(".") || "(file)"}: ${i.message}`);
    throw new PriceBookError(`${file} is not a valid price book:\n${issues.join("\n")}`);
  }
  return { ...result.data, file };
}

// ---------------------------------------------------------------------------------------------------------------
// Usage assumptions
// ---------------------------------------------------------------------------------------------------------------

/**
 * Usage that no configuration states. The defaults are deliberately on the high side for a small product, so the
 * estimate errs towards too much; they are printed with every estimate, since they are not measurements.
 */
export interface UsageAssumptions {
  /** GB processed by all NAT gateways together per month (image pulls, third-party APIs, updates). @default 100 */
  readonly natGbPerMonth: number;
  /** GB processed by all interface endpoints together per month, when they exist. @default 20 */
  readonly endpointGbPerMonth: number;
  /** Average load balancer capacity units (LCUs) used per hour. @default 1 */
  readonly lcuPerHour: number;
  /** GB of application logs each service sends to CloudWatch Logs per month. @default 5 */
  readonly logGbPerServicePerMonth: number;
  /** GB of VPC flow logs per month. @default 10 */
  readonly flowLogGbPerMonth: number;
  /**
   * Container Insights metrics per cluster (ECS/ContainerInsights with only the ClusterName dimension).
   * @default 13
   */
  readonly containerInsightsMetricsPerCluster: number;
  /**
   * Container Insights metrics per running service: its service-level metrics (15) and those of its task
   * definition family (10).
   * @default 25
   */
  readonly containerInsightsMetricsPerService: number;
  /** GB of Container Insights performance log events per running task per month. @default 0.1 */
  readonly containerInsightsGbPerTaskPerMonth: number;
  /** GB of RDS enhanced monitoring data per month at a 60-second interval (scales with the interval). @default 0.5 */
  readonly enhancedMonitoringGbPerMonthAt60s: number;
  /**
   * Share of the database that changes per day. Backups hold one full copy (taken as the allocated storage, as if
   * the database were full) plus one day of changes per further day of retention; the first full copy is free.
   * @default 0.05
   */
  readonly backupDailyChangeFraction: number;
}

export const DEFAULT_USAGE_ASSUMPTIONS: UsageAssumptions = {
  natGbPerMonth: 100,
  endpointGbPerMonth: 20,
  lcuPerHour: 1,
  logGbPerServicePerMonth: 5,
  flowLogGbPerMonth: 10,
  containerInsightsMetricsPerCluster: 13,
  containerInsightsMetricsPerService: 25,
  containerInsightsGbPerTaskPerMonth: 0.1,
  enhancedMonitoringGbPerMonthAt60s: 0.5,
  backupDailyChangeFraction: 0.05,
};

/** How each assumption reads in a printed estimate. */
export const USAGE_ASSUMPTION_TEXT: Readonly<Record<keyof UsageAssumptions, (value: number) => string>> = {
  natGbPerMonth: (v) => `${formatNumber(v)} GB a month through the NAT gateways (all of them together)`,
  endpointGbPerMonth: (v) => `${formatNumber(v)} GB a month through the interface endpoints (all of them together)`,
  lcuPerHour: (v) => `${formatNumber(v)} LCU (load balancer capacity units) in use on average, every hour`,
  logGbPerServicePerMonth: (v) => `${formatNumber(v)} GB of application logs a month per service`,
  flowLogGbPerMonth: (v) => `${formatNumber(v)} GB of VPC flow logs a month`,
  containerInsightsMetricsPerCluster: (v) => `${formatNumber(v)} Container Insights metrics per cluster`,
  containerInsightsMetricsPerService: (v) =>
    `${formatNumber(v)} Container Insights metrics per running service (service and task-family level)`,
  containerInsightsGbPerTaskPerMonth: (v) =>
    `${formatNumber(v)} GB of Container Insights performance events a month per running task`,
  enhancedMonitoringGbPerMonthAt60s: (v) =>
    `${formatNumber(v)} GB of enhanced monitoring data a month per database instance at a 60 s interval`,
  backupDailyChangeFraction: (v) =>
    `${formatNumber(v * 100)}% of the database changes per day; backups hold a full copy of the allocated ` +
    `storage plus one day of changes per further day of retention`,
};

// ---------------------------------------------------------------------------------------------------------------
// The estimate
// ---------------------------------------------------------------------------------------------------------------

export const COST_CATEGORIES = [
  "Network",
  "Load balancer",
  "Compute",
  "Database",
  "Keys and secrets",
  "Logs and metrics",
  "DNS",
] as const;
export type CostCategory = (typeof COST_CATEGORIES)[number];

/** One line of an estimate: quantity × unit price = monthly USD. */
export interface CostLine {
  readonly category: CostCategory;
  readonly item: string;
  readonly quantity: number;
  /** What the quantity counts, e.g. "gateway-hours" or "GB". */
  readonly unit: string;
  readonly unitPriceUsd: number;
  /** quantity × unit price, rounded to cents. */
  readonly monthlyUsd: number;
  /** The unit price rests on a figure marked assumed in the price book. */
  readonly priceAssumed: boolean;
  /** The usage assumptions the quantity comes from, when it is not read from the configuration. */
  readonly usage: (keyof UsageAssumptions)[];
}

export interface CostEstimate {
  readonly workspace: string;
  readonly region: string;
  readonly hoursPerMonth: number;
  readonly lines: CostLine[];
  /** The sum of the lines, in USD per month. */
  readonly totalUsd: number;
  readonly assumptions: UsageAssumptions;
  /** What the total leaves out or could grow to (autoscaling and EC2 ceilings, on-demand tasks, unpriced items). */
  readonly notes: string[];
  readonly prices: { readonly file: string; readonly recorded: string; readonly source: string[] };
}

/** Costs the estimate does not include: usage-priced and, for a small product, small. */
export const NOT_ESTIMATED =
  "Not estimated: data transfer out to the internet and between zones, load balancer access logs in S3, ECR image " +
  "storage, KMS and Secrets Manager requests, ECS Exec and maintenance task logs, CloudWatch Logs Insights queries.";

/**
 * Estimates what a workspace costs per month at the prices in `prices`: every billed resource its stack creates,
 * tasks at their desired count (the autoscaling maximum as a note), EC2 capacity at its minimum size.
 * Throws {@link PriceBookError} when the book lacks a price the workspace needs (e.g. its EC2 instance type).
 */
export function estimateMonthlyCost(
  workspace: WorkspaceConfig,
  prices: PriceBook,
  assumptions: Partial<UsageAssumptions> = {},
): CostEstimate {
  const usage: UsageAssumptions = { ...DEFAULT_USAGE_ASSUMPTIONS, ...assumptions };
  for (const [key, value] of Object.entries(usage)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`usage assumption ${key} must be a number of 0 or more, got ${value}`);
    }
  }
  if (prices.region !== workspace.region) {
    throw new PriceBookError(
      `${prices.file} holds ${prices.region} prices, but workspace ${workspace.name} is in ${workspace.region}; ` +
        `use data/prices/${workspace.region}.json`,
    );
  }
  const ledger = new Ledger();
  const context: Context = { ws: workspace, prices, usage, ledger };
  networkCosts(context);
  loadBalancerCosts(context);
  computeCosts(context);
  databaseCosts(context);
  keyAndSecretCosts(context);
  logAndMetricCosts(context);
  ledger.notes.push(NOT_ESTIMATED);
  const lines = [...ledger.lines].sort(
    (a, b) => COST_CATEGORIES.indexOf(a.category) - COST_CATEGORIES.indexOf(b.category),
  );
  return {
    workspace: workspace.name,
    region: workspace.region,
    hoursPerMonth: HOURS_PER_MONTH,
    lines,
    totalUsd: cents(lines.reduce((sum, l) => sum + l.monthlyUsd, 0)),
    assumptions: usage,
    notes: ledger.notes,
    prices: { file: prices.file, recorded: prices.recorded, source: prices.source },
  };
}

/** The lines and notes of an estimate as it is drawn up. */
class Ledger {
  public readonly lines: CostLine[] = [];
  public readonly notes: string[] = [];

  add(
    category: CostCategory,
    item: string,
    quantity: number,
    unit: string,
    unitPrice: { readonly usd: number; readonly assumed?: boolean },
    usage: (keyof UsageAssumptions)[] = [],
  ): void {
    this.lines.push({
      category,
      item,
      quantity,
      unit,
      unitPriceUsd: unitPrice.usd,
      monthlyUsd: cents(quantity * unitPrice.usd),
      priceAssumed: unitPrice.assumed === true,
      usage,
    });
  }
}

interface Context {
  readonly ws: WorkspaceConfig;
  readonly prices: PriceBook;
  readonly usage: UsageAssumptions;
  readonly ledger: Ledger;
}

const H = HOURS_PER_MONTH;

/** As src/stacks/workload.ts decides: a load balancer only when a service is public (which requires dns). */
function hasLoadBalancer(ws: WorkspaceConfig): boolean {
  return ws.services.some((s) => s.public) && ws.dns !== undefined;
}

/** NAT gateways with their Elastic IPs; interface endpoints. */
function networkCosts({ ws, prices, usage, ledger }: Context): void {
  const zones = ws.network.availabilityZones.length;
  const natMode = ws.network.natGateways;
  const nats = natGatewayCount(natMode, zones);
  if (nats > 0) {
    ledger.add("Network", `NAT gateways (${natMode})`, nats * H, "gateway-hours", prices.natGateway.hour);
    ledger.add("Network", "Elastic IPs of the NAT gateways", nats * H, "IP-hours", prices.publicIpv4.hour);
    ledger.add("Network", "Data through the NAT gateways", usage.natGbPerMonth, "GB", prices.natGateway.gbProcessed, [
      "natGbPerMonth",
    ]);
  }
  if (ws.network.endpoints.interface) {
    const endpoints = INTERFACE_ENDPOINT_SERVICES.length;
    ledger.add(
      "Network",
      `Interface endpoints (${endpoints} services × ${zones} zones)`,
      endpoints * zones * H,
      "endpoint-hours",
      prices.interfaceEndpoint.azHour,
    );
    ledger.add(
      "Network",
      "Data through the interface endpoints",
      usage.endpointGbPerMonth,
      "GB",
      prices.interfaceEndpoint.gbProcessed,
      ["endpointGbPerMonth"],
    );
  }
}

/** The load balancer, its capacity units and its public address in each zone; the hosted zone it may create. */
function loadBalancerCosts({ ws, prices, usage, ledger }: Context): void {
  if (!hasLoadBalancer(ws)) return;
  const zones = ws.network.availabilityZones.length;
  ledger.add("Load balancer", "Application load balancer", H, "hours", prices.loadBalancer.hour);
  ledger.add(
    "Load balancer",
    "Load balancer capacity units",
    usage.lcuPerHour * H,
    "LCU-hours",
    prices.loadBalancer.lcuHour,
    ["lcuPerHour"],
  );
  ledger.add("Load balancer", "Public IPv4 addresses (one per zone)", zones * H, "IP-hours", prices.publicIpv4.hour);
  if (ws.dns?.createZone) {
    ledger.add("DNS", `Route 53 hosted zone ${ws.dns.zoneName}`, 1, "zone-months", prices.route53.hostedZoneMonth);
  }
}

/** Fargate tasks split per the cluster's strategy; the maintenance task; EC2 capacity at its minimum size. */
function computeCosts({ ws, prices, ledger }: Context): void {
  const fargate = prices.fargate;
  const spotShare = 1 - fargate.spotDiscount.fraction;
  const spotPrice = (p: Price) => ({ usd: p.usd * spotShare, assumed: p.assumed || fargate.spotDiscount.assumed });
  const taskHourUsd = (cpu: number, memory: number) =>
    (cpu / 1024) * fargate.vcpuHour.usd + (memory / 1024) * fargate.gbHour.usd;
  const strategy = fargateCapacityStrategy(ws.cluster.fargateSpotWeight);
  for (const svc of ws.services) {
    if (svc.capacity === "ec2") {
      ledger.notes.push(`${svc.name} runs on the cluster's EC2 instances, counted under their line.`);
      continue;
    }
    const vcpu = svc.cpu / 1024;
    const gb = svc.memory / 1024;
    const tasks = tasksPerCapacityProvider(svc.desiredCount, strategy);
    const onDemand = tasks.FARGATE ?? 0;
    const spot = tasks.FARGATE_SPOT ?? 0;
    if (onDemand > 0) {
      const what = `${svc.name} on Fargate, ${count(onDemand, "task")}`;
      ledger.add(
        "Compute",
        `${what}: ${formatNumber(vcpu)} vCPU each`,
        vcpu * onDemand * H,
        "vCPU-hours",
        fargate.vcpuHour,
      );
      ledger.add("Compute", `${what}: ${formatNumber(gb)} GB each`, gb * onDemand * H, "GB-hours", fargate.gbHour);
    }
    if (spot > 0) {
      const what = `${svc.name} on Fargate Spot, ${count(spot, "task")}`;
      ledger.add(
        "Compute",
        `${what}: ${formatNumber(vcpu)} vCPU each`,
        vcpu * spot * H,
        "vCPU-hours",
        spotPrice(fargate.vcpuHour),
      );
      ledger.add(
        "Compute",
        `${what}: ${formatNumber(gb)} GB each`,
        gb * spot * H,
        "GB-hours",
        spotPrice(fargate.gbHour),
      );
    }
    const { max } = svc.autoscaling;
    if (max > svc.desiredCount) {
      const more = (max - svc.desiredCount) * taskHourUsd(svc.cpu, svc.memory) * H;
      ledger.notes.push(
        `${svc.name}: ${count(svc.desiredCount, "task")} counted; autoscaling may run up to ${max}, ` +
          `${formatUsd(cents(more))} a month more at most (the extra tasks on Fargate).`,
      );
    }
  }
  if (ws.cluster.fargateSpotWeight > 0) {
    ledger.notes.push(
      `Fargate Spot: the first task of each service runs on Fargate, the rest Fargate : Fargate Spot = ` +
        `1 : ${ws.cluster.fargateSpotWeight} (a fraction is the average split); Spot counted at ` +
        `${formatNumber(fargate.spotDiscount.fraction * 100)}% off, a typical discount, since Spot prices float.`,
    );
  }
  if (ws.cluster.maintenanceTask?.enabled) {
    ledger.add("Compute", "Maintenance task (runs on demand; stopped otherwise)", 0, "task-hours", {
      usd: taskHourUsd(MAINTENANCE_TASK_CPU, MAINTENANCE_TASK_MEMORY),
      assumed: fargate.vcpuHour.assumed || fargate.gbHour.assumed,
    });
  }

  const ec2 = ws.cluster.ec2;
  if (!ec2) return;
  const instanceHour = prices.ec2.instanceHour[ec2.instanceType];
  if (!instanceHour) {
    throw new PriceBookError(
      `No on-demand price for EC2 instance type "${ec2.instanceType}" (cluster.ec2.instanceType in ${ws.file}) ` +
        `in ${prices.file}; add it under ec2.instanceHour with the page its price was found on, or choose one of ` +
        Object.keys(prices.ec2.instanceHour).join(", "),
    );
  }
  ledger.add(
    "Compute",
    `EC2 container instances (${ec2.instanceType}, minimum size)`,
    ec2.minSize * H,
    "instance-hours",
    instanceHour,
  );
  ledger.add(
    "Compute",
    `EC2 root volumes (gp3, ${EC2_ROOT_VOLUME_GB} GB each)`,
    ec2.minSize * EC2_ROOT_VOLUME_GB,
    "GB-months",
    prices.ec2.gp3GbMonth,
  );
  if (ec2.maxSize > ec2.minSize) {
    const perInstance = instanceHour.usd * H + EC2_ROOT_VOLUME_GB * prices.ec2.gp3GbMonth.usd;
    ledger.notes.push(
      `EC2: ${count(ec2.minSize, "instance")} counted (minSize); managed scaling may run up to ${ec2.maxSize}, ` +
        `${formatUsd(cents((ec2.maxSize - ec2.minSize) * perInstance))} a month more at most.`,
    );
  }
}

/** The instance (Multi-AZ: primary and standby), its storage and backups, Performance Insights, enhanced monitoring. */
function databaseCosts({ ws, prices, usage, ledger }: Context): void {
  const db = ws.database;
  if (!db) return;
  const instanceHour = prices.rds.instanceHour[db.engine]?.[db.instanceClass];
  if (!instanceHour) {
    throw new PriceBookError(
      `No ${db.engine} price for RDS instance class "${db.instanceClass}" (database.instanceClass in ${ws.file}) ` +
        `in ${prices.file}; add it under rds.instanceHour.${db.engine} (single-AZ, USD per hour) with the page its ` +
        `price was found on`,
    );
  }
  const deployment = db.multiAz ? "Multi-AZ: primary and standby" : "single-AZ";
  ledger.add(
    "Database",
    `RDS ${db.engine} ${db.instanceClass} (${deployment})`,
    (db.multiAz ? 2 : 1) * H,
    "instance-hours",
    instanceHour,
  );
  ledger.add(
    "Database",
    `gp3 storage, ${db.allocatedStorageGb} GB (${db.multiAz ? "Multi-AZ" : "single-AZ"})`,
    db.allocatedStorageGb,
    "GB-months",
    db.multiAz ? prices.rds.gp3GbMonthMultiAz : prices.rds.gp3GbMonth,
  );
  // A full copy (free up to the allocated storage) plus a day of changes per further day kept.
  ledger.add(
    "Database",
    `Backups beyond the free allowance (${count(db.backupRetentionDays, "day")} kept)`,
    db.allocatedStorageGb * usage.backupDailyChangeFraction * (db.backupRetentionDays - 1),
    "GB-months",
    prices.rds.backupGbMonth,
    ["backupDailyChangeFraction"],
  );
  if (db.performanceInsights) {
    if (PERFORMANCE_INSIGHTS_RETENTION_DAYS !== 7) {
      throw new PriceBookError(
        `${prices.file} prices Performance Insights with 7 days of retention only; the database construct keeps ` +
          `${PERFORMANCE_INSIGHTS_RETENTION_DAYS} days`,
      );
    }
    ledger.add(
      "Database",
      "Performance Insights (7 days kept)",
      1,
      "instance-months",
      prices.rds.performanceInsights7DaysMonth,
    );
  }
  if (db.monitoringIntervalSeconds > 0) {
    ledger.add(
      "Database",
      `Enhanced monitoring every ${db.monitoringIntervalSeconds} s, into CloudWatch Logs`,
      (usage.enhancedMonitoringGbPerMonthAt60s * 60) / db.monitoringIntervalSeconds,
      "GB",
      prices.cloudwatch.logsIngestedGb,
      ["enhancedMonitoringGbPerMonthAt60s"],
    );
  }
}

/** The workspace's data key; the declared secrets and the master user secret RDS keeps. */
function keyAndSecretCosts({ ws, prices, ledger }: Context): void {
  ledger.add(
    "Keys and secrets",
    "KMS customer-managed key (the workspace's data key)",
    1,
    "key-months",
    prices.kms.keyMonth,
  );
  const secrets = ws.secrets.length + (ws.database ? 1 : 0);
  if (secrets === 0) return;
  const what = ws.database ? `${ws.secrets.length} declared + the database master secret` : "declared";
  ledger.add(
    "Keys and secrets",
    `Secrets Manager secrets (${what})`,
    secrets,
    "secret-months",
    prices.secretsManager.secretMonth,
  );
}

/**
 * Service logs and flow logs, ingested and stored (at steady state a month's ingestion times the retention in
 * months, uncompressed: on the high side), and Container Insights.
 */
function logAndMetricCosts({ ws, prices, usage, ledger }: Context): void {
  const cw = prices.cloudwatch;
  const storedMonths = (retentionDays: number) => (retentionDays * 24) / H;
  for (const svc of ws.services) {
    const gb = usage.logGbPerServicePerMonth;
    ledger.add("Logs and metrics", `${svc.name} logs ingested`, gb, "GB", cw.logsIngestedGb, [
      "logGbPerServicePerMonth",
    ]);
    ledger.add(
      "Logs and metrics",
      `${svc.name} logs stored (${count(svc.logRetentionDays, "day")} kept)`,
      gb * storedMonths(svc.logRetentionDays),
      "GB-months",
      cw.logsStoredGbMonth,
      ["logGbPerServicePerMonth"],
    );
  }
  const flowLogs = ws.network.flowLogs;
  if (flowLogs.enabled) {
    const gb = usage.flowLogGbPerMonth;
    ledger.add("Logs and metrics", "VPC flow logs ingested", gb, "GB", cw.logsIngestedGb, ["flowLogGbPerMonth"]);
    ledger.add(
      "Logs and metrics",
      `VPC flow logs stored (${count(flowLogs.retentionDays, "day")} kept)`,
      gb * storedMonths(flowLogs.retentionDays),
      "GB-months",
      cw.logsStoredGbMonth,
      ["flowLogGbPerMonth"],
    );
  }
  if (ws.cluster.containerInsights) {
    const running = ws.services.filter((s) => s.desiredCount > 0);
    ledger.add(
      "Logs and metrics",
      `Container Insights metrics (cluster + ${count(running.length, "service")})`,
      usage.containerInsightsMetricsPerCluster + usage.containerInsightsMetricsPerService * running.length,
      "metric-months",
      cw.metricMonth,
      ["containerInsightsMetricsPerCluster", "containerInsightsMetricsPerService"],
    );
    const tasks = running.reduce((sum, s) => sum + s.desiredCount, 0);
    ledger.add(
      "Logs and metrics",
      `Container Insights performance events (${count(tasks, "task")})`,
      tasks * usage.containerInsightsGbPerTaskPerMonth,
      "GB",
      cw.logsIngestedGb,
      ["containerInsightsGbPerTaskPerMonth"],
    );
  }
}

/**
 * How many of a service's `desiredCount` tasks each capacity provider runs: every provider's `base` first, in
 * order, then the rest split by weight. ECS places whole tasks; a fraction here is the average of its placements.
 */
export function tasksPerCapacityProvider(
  desiredCount: number,
  strategy: readonly CapacityProviderStrategyItem[],
): Record<string, number> {
  const tasks: Record<string, number> = {};
  let remaining = desiredCount;
  for (const item of strategy) {
    const base = Math.min(item.base ?? 0, remaining);
    tasks[item.capacityProvider] = base;
    remaining -= base;
  }
  const totalWeight = strategy.reduce((sum, item) => sum + item.weight, 0);
  for (const item of strategy) {
    if (totalWeight > 0) tasks[item.capacityProvider] += (remaining * item.weight) / totalWeight;
  }
  return tasks;
}

// ---------------------------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------------------------

export type CostFormat = "text" | "markdown";

/** The estimate as an aligned text table or a Markdown table, with the prices' date and source, assumptions and notes. */
export function formatCostEstimate(estimate: CostEstimate, format: CostFormat): string {
  const md = format === "markdown";
  const header = ["category", "item", "quantity", "unit", "unit price", "per month"];
  const numeric = [false, false, true, false, true, true];
  // Escaped in Markdown, where * and ~ would otherwise mark emphasis and strikethrough.
  const star = md ? "\\*" : "*";
  const tilde = md ? "\\~" : "~";
  const rows = estimate.lines.map((l) => [
    l.category,
    l.item,
    `${l.usage.length > 0 ? tilde : ""}${formatNumber(l.quantity)}`,
    l.unit,
    `${formatUnitPrice(l.unitPriceUsd)}${l.priceAssumed ? star : ""}`,
    formatUsd(l.monthlyUsd),
  ]);
  const total = ["Total", "", "", "", "", formatUsd(estimate.totalUsd)];
  const out: string[] = [];
  if (md) {
    const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
    out.push(row(header), row(numeric.map((n) => (n ? "---:" : "---"))));
    rows.forEach((r) => out.push(row(r)));
    out.push(row(total.map((c) => (c === "" ? "" : `**${c}**`))));
  } else {
    const all = [header, ...rows, total];
    const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
    const row = (cells: string[]) =>
      cells
        .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join("  ")
        .trimEnd();
    const rule = widths.map((w) => "-".repeat(w)).join("  ");
    out.push(`${estimate.workspace}: estimated monthly cost in ${estimate.region}`, "", row(header), rule);
    rows.forEach((r) => out.push(row(r)));
    out.push(rule, row(total));
  }

  const sources = estimate.prices.source.map((url) => (md ? `[${pageName(url)}](${url})` : url));
  const bullet = (text: string) => `- ${text}`;
  out.push(
    "",
    `Prices: AWS on-demand list prices for ${estimate.region} recorded ${estimate.prices.recorded} in ` +
      `${md ? `\`${estimate.prices.file}\`` : estimate.prices.file}, from ${md ? sources.join(", ") : "the pages below"}; ` +
      `a month is ${estimate.hoursPerMonth} hours. ${star} marks a unit price that is an assumption ` +
      `(not found in a source, see the price file), ${tilde} a quantity that comes from a usage assumption.`,
  );
  if (!md) out.push(...sources.map((s) => `  ${s}`));
  const used = COST_ASSUMPTION_ORDER.filter((key) => estimate.lines.some((l) => l.usage.includes(key)));
  // Markdown lists start after a blank line.
  const listStart = md ? [""] : [];
  out.push(
    "",
    "Usage assumptions (estimates, not measurements):",
    ...listStart,
    ...used.map((key) => bullet(USAGE_ASSUMPTION_TEXT[key](estimate.assumptions[key]))),
    "",
    "Notes:",
    ...listStart,
    ...estimate.notes.map(bullet),
  );
  return out.join("\n");
}

const COST_ASSUMPTION_ORDER = Object.keys(DEFAULT_USAGE_ASSUMPTIONS) as (keyof UsageAssumptions)[];

/** "https://aws.amazon.com/rds/postgresql/pricing/" -> "rds/postgresql". */
function pageName(url: string): string {
  return (
    url
      .replace(/^https:\/\/aws\.amazon\.com\//, "")
      .replace(/\/?pricing\/.*$/, "")
      .replace(/\/$/, "") || url
  );
}

/** "1 task", "1.5 tasks", "2 tasks". */
function count(n: number, noun: string): string {
  return `${formatNumber(n)} ${noun}${n === 1 ? "" : "s"}`;
}

/** Rounds to cents, half up, after removing floating-point noise. */
function cents(usd: number): number {
  return Math.round(Math.round(usd * 1e6) / 1e4) / 100;
}

/** 1460 -> "1,460"; 182.5 -> "182.5"; 4.9315 -> "4.93". */
export function formatNumber(value: number): string {
  const [whole, fraction] = (Math.round(value * 100) / 100).toFixed(2).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const decimals = fraction.replace(/0+$/, "");
  return decimals === "" ? grouped : `${grouped}.${decimals}`;
}

/** 1234.5 -> "$1,234.50". */
export function formatUsd(value: number): string {
  const [whole, fraction] = value.toFixed(2).split(".");
  return `$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${fraction}`;
}

/** A unit price with as many decimals as it has (up to 7), at least 2: 0.045 -> "$0.045", 1 -> "$1.00". */
export function formatUnitPrice(value: number): string {
  const text = (Math.round(value * 1e7) / 1e7).toFixed(7).replace(/0+$/, "");
  const [whole, fraction] = text.split(".");
  return `$${whole}.${fraction.padEnd(2, "0")}`;
}
