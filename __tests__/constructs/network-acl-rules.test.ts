import {
  busiestNetworkAclDirection,
  FIRST_USER_RULE_NUMBER,
  MAX_APP_PORTS,
  NetworkAclRulePlanProps,
  networkAclRules,
} from "../../src/constructs/network-acl-rules";
import { mustParseCidr } from "../../src/lib/cidr";
import { deriveSubnetLayout, SubnetTier } from "../../src/lib/subnet-layout";
import { naclAllows, plannedRules } from "../../test/nacl";

const layout = deriveSubnetLayout(mustParseCidr("10.10.0.0/16"), 3);
const internetHost = "203.0.113.10";

function planProps(overrides: Partial<NetworkAclRulePlanProps> = {}): NetworkAclRulePlanProps {
  return { subnetCidrs: layout, appPorts: [8080], databasePort: 5432, allowHttpsWithinApp: false, ...overrides };
}

/** The rules of one tier, as naclAllows evaluates them. */
function rulesOf(tier: SubnetTier, overrides: Partial<NetworkAclRulePlanProps> = {}) {
  return plannedRules(networkAclRules(planProps(overrides)), tier);
}

describe("networkAclRules public tier", () => {
  const rules = rulesOf("public");

  test("accepts 80 and 443 from anywhere and no other port below the ephemeral range", () => {
    expect(naclAllows(rules, "ingress", internetHost, 443)).toBe(true);
    expect(naclAllows(rules, "ingress", internetHost, 80)).toBe(true);
    expect(naclAllows(rules, "ingress", internetHost, 22)).toBe(false);
    expect(naclAllows(rules, "ingress", internetHost, 25)).toBe(false);
  });

  test("may open the app ports in every app subnet", () => {
    for (const cidr of layout.app) expect(naclAllows(rules, "egress", cidr, 8080)).toBe(true);
  });
});

describe("networkAclRules blue/green test listener", () => {
  const testListener = { port: 8443, allowedCidrs: ["198.51.100.0/24", "192.0.2.0/24"] };
  const rules = rulesOf("public", { testListener });

  test("admits the test listener's port from the configured networks only", () => {
    expect(naclAllows(rules, "ingress", "198.51.100.7", 8443)).toBe(true);
    expect(naclAllows(rules, "ingress", "192.0.2.200", 8443)).toBe(true);
    expect(naclAllows(rules, "ingress", "198.51.100.0/24", 8443)).toBe(true);
  });

  test("without a test listener, its port is not open below the ephemeral range", () => {
    expect(
      naclAllows(
        rulesOf("public", { testListener: { port: 943, allowedCidrs: ["198.51.100.0/24"] } }),
        "ingress",
        internetHost,
        943,
      ),
    ).toBe(false);
    expect(naclAllows(rulesOf("public"), "ingress", "198.51.100.7", 943)).toBe(false);
  });

  test("refuses more networks than its rule numbers hold", () => {
    const many = Array.from({ length: 11 }, (_, i) => `198.51.${i}.0/24`);
    expect(() => networkAclRules(planProps({ testListener: { port: 8443, allowedCidrs: many } }))).toThrow(
      /the test listener may be open to at most 10 CIDRs/,
    );
  });
});

describe("networkAclRules app tier", () => {
  const rules = rulesOf("app");

  test("accepts the service port only from the public tier", () => {
    for (const cidr of layout.public) expect(naclAllows(rules, "ingress", cidr, 8080)).toBe(true);
    expect(naclAllows(rules, "ingress", internetHost, 8080)).toBe(false);
    expect(naclAllows(rules, "ingress", layout.database[0], 8080)).toBe(false);
    expect(naclAllows(rules, "ingress", layout.public[0], 22)).toBe(false);
  });

  test("accepts nothing from the public tier below the ephemeral range when no service is public", () => {
    const privateOnly = rulesOf("app", { appPorts: [] });
    for (const cidr of layout.public) expect(naclAllows(privateOnly, "ingress", cidr, 8080)).toBe(false);
  });

  test("may send HTTPS out and the database port only to the database tier", () => {
    expect(naclAllows(rules, "egress", internetHost, 443)).toBe(true);
    for (const cidr of layout.database) expect(naclAllows(rules, "egress", cidr, 5432)).toBe(true);
    expect(naclAllows(rules, "egress", internetHost, 5432)).toBe(false);
    expect(naclAllows(rules, "egress", internetHost, 25)).toBe(false);
  });

  test("replies to the load balancer but cannot open ephemeral ports on other tiers", () => {
    expect(naclAllows(rules, "egress", layout.public[2], 1500)).toBe(true);
    expect(naclAllows(rules, "egress", layout.database[0], 40000)).toBe(false);
    expect(naclAllows(rules, "egress", layout.app[1], 40000)).toBe(false);
  });

  test("accepts return traffic only on the Linux ephemeral ports", () => {
    expect(naclAllows(rules, "ingress", internetHost, 40000)).toBe(true);
    expect(naclAllows(rules, "ingress", internetHost, 8080)).toBe(false);
    expect(naclAllows(rules, "ingress", internetHost, 3000)).toBe(false);
  });

  test("with allowHttpsWithinApp, accepts HTTPS from the other app subnets and answers them", () => {
    const withEndpoints = rulesOf("app", { allowHttpsWithinApp: true });
    expect(naclAllows(withEndpoints, "ingress", layout.app[1], 443)).toBe(true);
    expect(naclAllows(withEndpoints, "egress", layout.app[1], 40000)).toBe(true);
  });

  test("without allowHttpsWithinApp, refuses HTTPS from the other app subnets", () => {
    expect(naclAllows(rules, "ingress", layout.app[1], 443)).toBe(false);
  });
});

describe("networkAclRules database tier", () => {
  const rules = rulesOf("database");

  test("accepts the database port from the app tier and refuses it from the public tier", () => {
    for (const cidr of layout.app) expect(naclAllows(rules, "ingress", cidr, 5432)).toBe(true);
    for (const cidr of layout.public) expect(naclAllows(rules, "ingress", cidr, 5432)).toBe(false);
    expect(naclAllows(rules, "ingress", internetHost, 5432)).toBe(false);
  });

  test("answers only the app tier and cannot reach the internet", () => {
    expect(naclAllows(rules, "egress", layout.app[1], 40000)).toBe(true);
    expect(naclAllows(rules, "egress", layout.public[0], 40000)).toBe(false);
    expect(naclAllows(rules, "egress", internetHost, 443)).toBe(false);
    expect(rules.some((r) => r.cidr_block === "0.0.0.0/0")).toBe(false);
  });

  test("opens the database port it is given", () => {
    const mysql = rulesOf("database", { databasePort: 3306 });
    expect(naclAllows(mysql, "ingress", layout.app[0], 3306)).toBe(true);
    expect(naclAllows(mysql, "ingress", layout.app[0], 5432)).toBe(false);
  });
});

describe("networkAclRules rule numbers", () => {
  const busiest = networkAclRules(
    planProps({
      subnetCidrs: deriveSubnetLayout(mustParseCidr("10.10.0.0/16"), 8),
      appPorts: Array.from({ length: MAX_APP_PORTS }, (_, i) => 3000 + i),
      allowHttpsWithinApp: true,
    }),
  );

  test("numbers a repeated rule base + 10 per port + 1 per zone", () => {
    const appIngress = networkAclRules(planProps({ appPorts: [3000, 8080] }))
      .filter((r) => r.tier === "app" && !r.egress && [3000, 8080].includes(r.fromPort))
      .map((r) => [r.ruleNumber, r.cidr, r.fromPort]);
    expect(appIngress).toEqual([
      [100, layout.public[0], 3000],
      [101, layout.public[1], 3000],
      [102, layout.public[2], 3000],
      [110, layout.public[0], 8080],
      [111, layout.public[1], 8080],
      [112, layout.public[2], 8080],
    ]);
  });

  test("leaves every number from FIRST_USER_RULE_NUMBER up to users, even with the most ports and zones", () => {
    expect(busiest.filter((r) => r.ruleNumber >= FIRST_USER_RULE_NUMBER)).toEqual([]);
  });

  test("never gives two rules of one ACL and direction the same number", () => {
    const keys = busiest.map((r) => `${r.tier}-${r.egress ? "out" : "in"}-${r.ruleNumber}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test(`refuses more than ${MAX_APP_PORTS} app ports`, () => {
    const ports = Array.from({ length: MAX_APP_PORTS + 1 }, (_, i) => 3000 + i);
    expect(() => networkAclRules(planProps({ appPorts: ports }))).toThrow(
      /NetworkAcls: appPorts may list at most 10 ports \(rule numbers are spaced by 10\), got 11/,
    );
  });

  test("refuses an app port in the Linux ephemeral range", () => {
    expect(() => networkAclRules(planProps({ appPorts: [33000] }))).toThrow(
      /NetworkAcls: port 33000 is in the Linux ephemeral range \(32768-65535\); use a service or database port below 32768/,
    );
  });

  test("refuses a database port in the Linux ephemeral range", () => {
    expect(() => networkAclRules(planProps({ databasePort: 40000 }))).toThrow(
      /NetworkAcls: port 40000 is in the Linux/,
    );
  });
});

describe("busiestNetworkAclDirection", () => {
  test("finds the ACL direction holding the most rules, and how many", () => {
    // app egress: HTTPS out, the database port to 3 subnets, replies to 3 public subnets.
    expect(busiestNetworkAclDirection(networkAclRules(planProps()))).toEqual({ tier: "app", egress: true, count: 7 });
  });

  test("counts nothing in an empty plan", () => {
    expect(busiestNetworkAclDirection([])).toEqual({ tier: "public", egress: false, count: 0 });
  });
});
