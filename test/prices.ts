// A small price book with round figures, so the tests of the estimate can be checked by hand.
import { parsePriceBook, PriceBook } from "../src/lib/cost";

export const FIXTURE_PRICES_FILE = "test/prices.ts (fixture)";

const found = (usd: number) => ({ usd, foundIn: "https://example.com/prices" });

/** The raw JSON of the fixture price book; every call returns a new copy to change. */
export function fixturePriceBookInput() {
  const source = ["https://example.com/prices"];
  return {
    region: "us-east-1",
    currency: "USD",
    recorded: "2026-01-31",
    source,
    natGateway: { source, hour: found(0.05), gbProcessed: found(0.05) },
    publicIpv4: { source, hour: found(0.01) },
    interfaceEndpoint: { source, azHour: found(0.01), gbProcessed: found(0.01) },
    loadBalancer: { source, hour: found(0.02), lcuHour: found(0.01) },
    fargate: {
      source,
      vcpuHour: found(0.04),
      gbHour: found(0.004),
      spotDiscount: { fraction: 0.5, assumed: true as const, note: "Spot prices float" },
    },
    ec2: { source, instanceHour: { "t3.small": found(0.02) }, gp3GbMonth: found(0.1) },
    rds: {
      source,
      instanceHour: {
        postgres: { "db.t4g.micro": found(0.02), "db.m7g.large": found(0.2) },
        mysql: { "db.t4g.micro": found(0.02) },
      },
      gp3GbMonth: found(0.1),
      gp3GbMonthMultiAz: found(0.2),
      backupGbMonth: found(0.1),
      performanceInsights7DaysMonth: found(0),
    },
    kms: { source, keyMonth: found(1) },
    cloudwatch: { source, logsIngestedGb: found(0.5), logsStoredGbMonth: found(0.03), metricMonth: found(0.3) },
    route53: { source, hostedZoneMonth: found(0.5) },
    secretsManager: { source, secretMonth: found(0.4) },
    waf: { source, webAclMonth: found(5), ruleMonth: found(1), millionRequests: found(0.6) },
  };
}

/** The fixture price book, validated as `data/prices/<region>.json` would be. */
export function fixturePriceBook(): PriceBook {
  return parsePriceBook(fixturePriceBookInput(), FIXTURE_PRICES_FILE);
}
