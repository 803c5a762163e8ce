import * as fs from "fs";
import * as path from "path";
import { clusterSchema, DB_INSTANCE_CLASSES, WorkspaceConfig, WorkspaceInput } from "../../src/config";
import { DATABASE_ENGINES } from "../../src/constructs/database-engines";
import { fargateCapacityStrategy } from "../../src/constructs/container-cluster";
import {
  CostEstimate,
  DEFAULT_USAGE_ASSUMPTIONS,
  estimateMonthlyCost,
  formatCostEstimate,
  formatNumber,
  formatUnitPrice,
  formatUsd,
  parsePriceBook,
  tasksPerCapacityProvider,
  UsageAssumptions,
} from "../../src/lib/cost";
import { Loose, loose, workspaceConfig } from "../../test/fixtures";
import { fixturePriceBook, fixturePriceBookInput } from "../../test/prices";
import { PROJECT_ROOT } from "../../test/stacks";

const SMALL_FILE = "environments/small.ts";

/** One public service of three tasks, Spot in the mix, one NAT gateway, a micro database: small enough to add up by hand. */
function smallInput(): WorkspaceInput {
  return {
    name: "small",
    accountId: "444444444444",
    region: "us-east-1",
    deployRoleName: "terraform-deploy",
    network: { cidr: "10.30.0.0/16", azCount: 2, natGateways: "single", flowLogs: { retentionDays: 30 } },
    dns: { zoneName: "small.example.com", createZone: true },
    cluster: { fargateSpotWeight: 1 },
    services: [
      {
        name: "web",
        port: 3000,
        cpu: 256,
        memory: 512,
        desiredCount: 3,
        autoscaling: { min: 1, max: 4 },
        hosts: ["app.small.example.com"],
        logRetentionDays: 30,
      },
    ],
    database: { engine: "postgres", engineVersion: "16", instanceClass: "db.t4g.micro" },
  };
}

/** The small workspace, validated, after `change` (which may put in what the input types forbid). */
function small(change: (ws: Loose) => void = () => {}): WorkspaceConfig {
  const input = smallInput();
  change(loose(input));
  return workspaceConfig(input, SMALL_FILE);
}

/** Round usage, set here rather than taken from the defaults, so the hand-computed figures stay put. */
const SMALL_USAGE: UsageAssumptions = {
  natGbPerMonth: 10,
  endpointGbPerMonth: 0,
  lcuPerHour: 2,
  logGbPerServicePerMonth: 4,
  flowLogGbPerMonth: 6,
  containerInsightsMetricsPerCluster: 10,
  containerInsightsMetricsPerService: 20,
  containerInsightsGbPerTaskPerMonth: 0.1,
  enhancedMonitoringGbPerMonthAt60s: 0.5,
  backupDailyChangeFraction: 0.05,
};

function estimate(ws: WorkspaceConfig = small()): CostEstimate {
  return estimateMonthlyCost(ws, fixturePriceBook(), SMALL_USAGE);
}

function linesMatching(result: CostEstimate, item: RegExp) {
  return result.lines.filter((l) => item.test(l.item));
}

/** The matching lines' monthly USD added up, in cents. */
function monthly(result: CostEstimate, item: RegExp): number {
  return Math.round(linesMatching(result, item).reduce((sum, l) => sum + l.monthlyUsd, 0) * 100) / 100;
}

describe("estimateMonthlyCost", () => {
  test("prices the small workspace at $142.95 a month, as added up by hand", () => {
    // 730 hours a month; fixture prices from test/prices.ts, usage from SMALL_USAGE.
    // Network:       NAT 730 h × 0.05 = 36.50; its EIP 730 × 0.01 = 7.30; 10 GB × 0.05 = 0.50           =  44.30
    // Load balancer: 730 h × 0.02 = 14.60; 2 LCU × 730 × 0.01 = 14.60; 2 zones × 730 × 0.01 = 14.60     =  43.80
    // Compute:       3 tasks of 0.25 vCPU / 0.5 GB, base 1 on Fargate then 1 : 1 with Spot: 2 + 1
    //                Fargate 0.25 × 2 × 730 = 365 vCPU-h × 0.04 = 14.60; 0.5 × 2 × 730 = 730 GB-h × 0.004 = 2.92
    //                Spot at half price: 182.5 × 0.02 = 3.65; 365 × 0.002 = 0.73                          =  21.90
    // Database:      730 × 0.02 = 14.60; 20 GB × 0.1 = 2.00; backups 20 × 0.05 × (1 day − 1) = 0           =  16.60
    // Keys, secrets: KMS key 1.00; the database master secret 0.40                                        =   1.40
    // Logs:          web 4 GB × 0.5 = 2.00, kept 30 days: 4 × 720/730 = 3.945 GB-months × 0.03 = 0.12
    //                flow logs 6 × 0.5 = 3.00, kept 30 days: 6 × 720/730 = 5.918 × 0.03 = 0.18
    //                Container Insights (10 + 20 × 1) metrics × 0.3 = 9.00; 3 tasks × 0.1 GB × 0.5 = 0.15   =  14.45
    // DNS:           hosted zone 0.50                                                                     =   0.50
    // Total: 44.30 + 43.80 + 21.90 + 16.60 + 1.40 + 14.45 + 0.50                                          = 142.95
    const result = estimate();
    expect(result.totalUsd).toBe(142.95);
    expect(monthly(result, /^NAT gateways/)).toBe(36.5);
    expect(monthly(result, /^web on Fargate,/)).toBe(17.52);
    expect(monthly(result, /^web on Fargate Spot/)).toBe(4.38);
    expect(monthly(result, /^web logs stored/)).toBe(0.12);
    expect(monthly(result, /^Container Insights metrics/)).toBe(9);
  });

  test("every line is its quantity times its unit price in cents, and the total is the sum of the lines", () => {
    for (const ws of [small(), small((i) => (i.network.azCount = 3))]) {
      const result = estimate(ws);
      for (const l of result.lines) expect(l.monthlyUsd).toBeCloseTo(l.quantity * l.unitPriceUsd, 2);
      const sum = result.lines.reduce((s, l) => s + l.monthlyUsd, 0);
      expect(result.totalUsd).toBeCloseTo(sum, 9);
    }
  });

  test("a Multi-AZ database costs twice the single-AZ instance and storage", () => {
    const single = estimate();
    const multi = estimate(small((i) => (i.database.multiAz = true)));
    expect(monthly(single, /^RDS postgres/)).toBe(14.6);
    expect(monthly(multi, /^RDS postgres/)).toBe(29.2);
    expect(linesMatching(multi, /^RDS postgres/)[0].quantity).toBe(2 * 730);
    expect(monthly(single, /^gp3 storage/)).toBe(2);
    expect(monthly(multi, /^gp3 storage/)).toBe(4);
  });

  test("one-per-az creates a NAT gateway and an Elastic IP per zone", () => {
    const result = estimate(
      small((i) => {
        i.network.azCount = 3;
        i.network.natGateways = "one-per-az";
      }),
    );
    expect(linesMatching(result, /^NAT gateways/)[0].quantity).toBe(3 * 730);
    expect(linesMatching(result, /^Elastic IPs/)[0].quantity).toBe(3 * 730);
    expect(monthly(result, /^NAT gateways/)).toBe(109.5);
  });

  test("without NAT gateways there are no NAT or Elastic IP lines", () => {
    const result = estimate(
      small((i) => {
        i.network.natGateways = "none";
        i.network.endpoints = { interface: true };
      }),
    );
    expect(linesMatching(result, /NAT|Elastic IP/)).toEqual([]);
  });

  test("interface endpoints cost 7 services × zones × 730 hours", () => {
    const result = estimate(
      small((i) => {
        i.network.azCount = 3;
        i.network.endpoints = { interface: true };
      }),
    );
    const [endpoints] = linesMatching(result, /^Interface endpoints/);
    expect(endpoints.item).toBe("Interface endpoints (7 services × 3 zones)");
    expect(endpoints.quantity).toBe(7 * 3 * 730);
    expect(endpoints.monthlyUsd).toBe(153.3);
    expect(linesMatching(estimate(), /^Interface endpoints|interface endpoints$/)).toEqual([]);
  });

  test("the load balancer has a public IPv4 address per zone", () => {
    const result = estimate(small((i) => (i.network.azCount = 3)));
    expect(linesMatching(result, /^Public IPv4/)[0].quantity).toBe(3 * 730);
  });

  test("without a public service there is no load balancer, no load balancer addresses and no hosted zone", () => {
    const result = estimate(
      small((i) => {
        i.services[0].public = false;
        i.services[0].hosts = [];
      }),
    );
    expect(result.lines.filter((l) => l.category === "Load balancer" || l.category === "DNS")).toEqual([]);
    expect(linesMatching(result, /IPv4/)).toEqual([]);
  });

  test("with an existing zone (createZone false) no hosted zone is counted", () => {
    expect(estimate(small((i) => (i.dns.createZone = false))).lines.filter((l) => l.category === "DNS")).toEqual([]);
  });

  test("Fargate Spot lines are priced at the Spot discount and marked as resting on an assumed figure", () => {
    const result = estimate();
    const spot = linesMatching(result, /Fargate Spot/);
    expect(spot.map((l) => l.unitPriceUsd)).toEqual([0.02, 0.002]);
    expect(spot.every((l) => l.priceAssumed)).toBe(true);
    expect(linesMatching(result, /^web on Fargate,/).every((l) => !l.priceAssumed)).toBe(true);
    expect(result.notes.join("\n")).toMatch(/Fargate : Fargate Spot = 1 : 1/);
  });

  test("without Spot weight every task runs on Fargate", () => {
    const result = estimate(small((i) => (i.cluster.fargateSpotWeight = 0)));
    expect(linesMatching(result, /Fargate Spot/)).toEqual([]);
    expect(monthly(result, /^web on Fargate,/)).toBe(26.28); // 3 × 730 × (0.25 × 0.04 + 0.5 × 0.004)
  });

  test("notes the autoscaling maximum as a ceiling, priced at on-demand Fargate", () => {
    // One more task: 730 × (0.25 × 0.04 + 0.5 × 0.004) = 730 × 0.012 = 8.76.
    expect(estimate().notes).toContain(
      "web: 3 tasks counted; autoscaling may run up to 4, $8.76 a month more at most (the extra tasks on Fargate).",
    );
  });

  test("the maintenance task is counted at 0 hours: it runs on demand", () => {
    const [task] = linesMatching(
      estimate(small((i) => (i.cluster = { execEnabled: true, maintenanceTask: { enabled: true } }))),
      /^Maintenance/,
    );
    expect(task.quantity).toBe(0);
    expect(task.monthlyUsd).toBe(0);
    expect(task.unitPriceUsd).toBeCloseTo(0.012, 9); // 0.25 × 0.04 + 0.5 × 0.004
  });

  test("EC2 capacity is counted at its minimum size, with its root volumes, and its maximum as a ceiling", () => {
    const result = estimate(small((i) => (i.cluster.ec2 = { instanceType: "t3.small", minSize: 1, maxSize: 3 })));
    expect(monthly(result, /^EC2 container instances/)).toBe(14.6); // 1 × 730 × 0.02
    expect(monthly(result, /^EC2 root volumes/)).toBe(3); // 30 GB × 0.1
    // Two more instances: 2 × (14.60 + 3.00).
    expect(result.notes.join("\n")).toMatch(
      /EC2: 1 instance counted \(minSize\); managed scaling may run up to 3, \$35\.20/,
    );
  });

  test("refuses an EC2 instance type the price book has no price for, naming the file to extend", () => {
    const ws = small((i) => (i.cluster.ec2 = { instanceType: "m5.large" }));
    expect(() => estimate(ws)).toThrow(
      /^No on-demand price for EC2 instance type "m5\.large" \(cluster\.ec2\.instanceType in environments\/small\.ts\) in test\/prices\.ts \(fixture\); add it under ec2\.instanceHour .*one of t3\.small$/,
    );
  });

  test("refuses a database class the price book has no price for, naming the file and the place to add it", () => {
    const ws = small((i) => (i.database.instanceClass = "db.r7g.large"));
    expect(() => estimate(ws)).toThrow(
      /No postgres price for RDS instance class "db\.r7g\.large".*add it under rds\.instanceHour\.postgres/,
    );
  });

  test("backups beyond the free copy grow with the retention period", () => {
    // 20 GB × 0.05 × (8 − 1) days = 7 GB-months × 0.1 = 0.70.
    const result = estimate(small((i) => (i.database.backupRetentionDays = 8)));
    expect(linesMatching(result, /^Backups/)[0].quantity).toBeCloseTo(7, 9);
    expect(monthly(result, /^Backups/)).toBe(0.7);
  });

  test("Performance Insights at 7 days is free; enhanced monitoring is priced as log ingestion", () => {
    const result = estimate(
      small((i) => {
        i.database.performanceInsights = true;
        i.database.monitoringIntervalSeconds = 30;
      }),
    );
    expect(monthly(result, /^Performance Insights/)).toBe(0);
    // 0.5 GB at 60 s, so 1 GB at 30 s, × 0.5 = 0.50.
    expect(monthly(result, /^Enhanced monitoring every 30 s/)).toBe(0.5);
  });

  test("counts the declared secrets and the master secret RDS keeps", () => {
    const result = estimate(
      small((i) => {
        i.secrets = [{ name: "api-token", description: "Token of a partner API", readers: [], source: "provided" }];
      }),
    );
    expect(linesMatching(result, /^Secrets Manager/)[0]).toMatchObject({ quantity: 2, monthlyUsd: 0.8 });
  });

  test("takes the documented defaults for any usage not given", () => {
    const result = estimateMonthlyCost(small(), fixturePriceBook());
    expect(result.assumptions).toEqual(DEFAULT_USAGE_ASSUMPTIONS);
    expect(linesMatching(result, /^Data through the NAT/)[0].quantity).toBe(DEFAULT_USAGE_ASSUMPTIONS.natGbPerMonth);
  });

  test("rejects a negative usage assumption", () => {
    expect(() => estimateMonthlyCost(small(), fixturePriceBook(), { natGbPerMonth: -1 })).toThrow(
      /natGbPerMonth must be a number of 0 or more, got -1/,
    );
  });

  test("refuses prices of another region", () => {
    const ws = small((i) => (i.region = "eu-west-1"));
    expect(() => estimate(ws)).toThrow(
      /holds us-east-1 prices, but workspace small is in eu-west-1; use data\/prices\/eu-west-1\.json/,
    );
  });
});

describe("tasksPerCapacityProvider", () => {
  test("puts the base on Fargate, then splits the rest by weight", () => {
    expect(tasksPerCapacityProvider(3, fargateCapacityStrategy(1))).toEqual({ FARGATE: 2, FARGATE_SPOT: 1 });
    expect(tasksPerCapacityProvider(5, fargateCapacityStrategy(3))).toEqual({ FARGATE: 2, FARGATE_SPOT: 3 });
  });

  test("a single task always runs on Fargate (the base)", () => {
    expect(tasksPerCapacityProvider(1, fargateCapacityStrategy(3))).toEqual({ FARGATE: 1, FARGATE_SPOT: 0 });
  });

  test("an uneven split is the average of the placements", () => {
    expect(tasksPerCapacityProvider(2, fargateCapacityStrategy(1))).toEqual({ FARGATE: 1.5, FARGATE_SPOT: 0.5 });
  });

  test("without Spot every task runs on Fargate; no task, no cost", () => {
    expect(tasksPerCapacityProvider(4, fargateCapacityStrategy(0))).toEqual({ FARGATE: 4 });
    expect(tasksPerCapacityProvider(0, fargateCapacityStrategy(1))).toEqual({ FARGATE: 0, FARGATE_SPOT: 0 });
  });
});

describe("parsePriceBook", () => {
  test("requires every figure to say where it was found or that it is assumed", () => {
    const input = fixturePriceBookInput();
    loose(input).natGateway.hour = { usd: 0.05 };
    expect(() => parsePriceBook(input, "data/prices/x.json")).toThrow(
      /^data\/prices\/x\.json is not a valid price book:\n {2}- natGateway\.hour: names neither where the figure was found \("foundIn"\) nor that it is an assumption \("assumed": true\)$/,
    );
  });

  test("requires every section's pricing pages in the top-level source list", () => {
    const input = fixturePriceBookInput();
    input.kms.source = ["https://aws.amazon.com/kms/pricing/"];
    expect(() => parsePriceBook(input, "p.json")).toThrow(
      /kms\.source\.0: https:\/\/aws\.amazon\.com\/kms\/pricing\/ is missing from the top-level "source" list/,
    );
  });

  test("rejects unknown fields, so a misspelt price is not silently ignored", () => {
    const input = fixturePriceBookInput();
    loose(input.kms).keyMonthly = { usd: 1, assumed: true };
    expect(() => parsePriceBook(input, "p.json")).toThrow(/kms: Unrecognized key/);
  });

  test("the recorded us-east-1 prices are valid, dated, and cover every class the schema accepts", () => {
    const file = "data/prices/us-east-1.json";
    const prices = parsePriceBook(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")), file);
    expect(prices.region).toBe("us-east-1");
    expect(prices.recorded).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const engine of Object.keys(DATABASE_ENGINES) as (keyof typeof DATABASE_ENGINES)[]) {
      expect(Object.keys(prices.rds.instanceHour[engine]).sort()).toEqual([...DB_INSTANCE_CLASSES].sort());
    }
    const defaultType = clusterSchema.parse({ ec2: {} }).ec2!.instanceType;
    expect(prices.ec2.instanceHour[defaultType]).toBeDefined();
  });
});

describe("formatCostEstimate", () => {
  test("a Markdown table with a right-aligned figure per line, the total, and the markers explained", () => {
    const text = formatCostEstimate(estimate(), "markdown");
    const rows = text.split("\n").filter((l) => l.startsWith("|"));
    expect(rows[0]).toBe("| category | item | quantity | unit | unit price | per month |");
    expect(rows[1]).toBe("| --- | --- | ---: | --- | ---: | ---: |");
    expect(rows).toHaveLength(2 + estimate().lines.length + 1);
    expect(rows[rows.length - 1]).toBe("| **Total** |  |  |  |  | **$142.95** |");
    expect(text).toContain(
      "| Compute | web on Fargate Spot, 1 task: 0.25 vCPU each | 182.5 | vCPU-hours | $0.02\\* | $3.65 |",
    );
    expect(text).toContain("| Network | Data through the NAT gateways | \\~10 | GB | $0.05 | $0.50 |");
    expect(text).toMatch(
      /recorded 2026-01-31 in `test\/prices\.ts \(fixture\)`, from \[https:\/\/example\.com\/prices\]/,
    );
  });

  test("lists only the usage assumptions some line rests on", () => {
    const text = formatCostEstimate(estimate(), "text");
    expect(text).toContain("- 10 GB a month through the NAT gateways (all of them together)");
    expect(text).not.toContain("interface endpoints (all of them together)");
    expect(text).not.toContain("enhanced monitoring");
  });

  test("a text table whose columns line up", () => {
    const text = formatCostEstimate(estimate(), "text");
    const table = text.split("\n\n")[1].split("\n");
    const rule = table[1];
    expect(rule).toMatch(/^-+( +-+){5}$/);
    // The figures end where the rule ends.
    for (const row of table.slice(2, -2)) expect(row.length).toBe(rule.length);
    expect(table[table.length - 1]).toMatch(/^Total +\$142\.95$/);
  });
});

describe("number formats", () => {
  test("quantities group thousands and keep at most two decimals", () => {
    expect(formatNumber(15330)).toBe("15,330");
    expect(formatNumber(182.5)).toBe("182.5");
    expect(formatNumber(4.931506)).toBe("4.93");
    expect(formatNumber(0)).toBe("0");
  });

  test("prices show cents; unit prices as many decimals as they have", () => {
    expect(formatUsd(1234.5)).toBe("$1,234.50");
    expect(formatUnitPrice(0.045)).toBe("$0.045");
    expect(formatUnitPrice(1)).toBe("$1.00");
    expect(formatUnitPrice(0.004445 * 0.3)).toBe("$0.0013335");
  });
});
