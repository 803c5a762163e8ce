import {
  ADMIN_PORTS,
  assignRuleNumbers,
  busiestNetworkAclDirection,
  NetworkAclRulePlanProps,
  NetworkAclRuleSpec,
  networkAclRules,
  preferredRuleNumber,
  RULE_NUMBER_RANGE,
  ruleContent,
  ruleId,
  tierBlocks,
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

  test.each(ADMIN_PORTS)("admits port %i from the internet in no tier, with every option on", (port) => {
    const all = planProps({
      allowHttpsWithinApp: true,
      appPorts: [80, 3000, 8080],
      testListener: { port: 8443, allowedCidrs: ["198.51.100.0/24"] },
    });
    for (const tier of ["public", "app", "database"] as const) {
      const tierRules = plannedRules(networkAclRules(all), tier);
      expect(naclAllows(tierRules, "ingress", internetHost, port)).toBe(false);
      expect(naclAllows(tierRules, "ingress", "0.0.0.0/0", port)).toBe(false);
    }
  });

  test("accepts replies from the internet on the rest of the ephemeral range", () => {
    for (const port of [1024, 3388, 3390, 40000, 65535]) {
      expect(naclAllows(rules, "ingress", internetHost, port)).toBe(true);
    }
  });

  test("accepts the app tier's replies to the load balancer on the whole ephemeral range", () => {
    for (const cidr of layout.app) expect(naclAllows(rules, "ingress", cidr, 3389)).toBe(true);
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

describe("networkAclRules aggregation", () => {
  test("opens a port shared by many services with one rule per direction", () => {
    const shared = networkAclRules(planProps({ appPorts: Array.from({ length: 30 }, (_, i) => [8080, 3000][i % 2]) }));
    const appIngress = shared.filter((r) => r.tier === "app" && !r.egress && r.cidr !== "0.0.0.0/0");
    expect(appIngress.map(ruleContent).sort()).toEqual(["tcp 3000 10.10.0.0/19", "tcp 8080 10.10.0.0/19"]);
  });

  test("uses one block per tier for the derived layout, in every zone count", () => {
    for (const zones of [1, 2, 3, 6, 8]) {
      const derived = deriveSubnetLayout(mustParseCidr("10.10.0.0/16"), zones);
      expect(tierBlocks(derived, "public")).toHaveLength(1);
      expect(tierBlocks(derived, "app")).toHaveLength(1);
      expect(tierBlocks(derived, "database")).toHaveLength(1);
    }
  });

  test("splits a tier whose covering block would hold another tier's subnet, and keeps no other tier's subnet", () => {
    const interleaved = {
      public: ["10.0.0.0/24", "10.0.2.0/24", "10.0.3.0/24"],
      app: ["10.0.1.0/24", "10.0.4.0/24", "10.0.5.0/24"],
      database: ["10.0.8.0/24", "10.0.9.0/24", "10.0.10.0/24"],
    };
    expect(tierBlocks(interleaved, "public")).toEqual(["10.0.0.0/24", "10.0.2.0/23"]);
    expect(tierBlocks(interleaved, "app")).toEqual(["10.0.1.0/24", "10.0.4.0/23"]);
    expect(tierBlocks(interleaved, "database")).toEqual(["10.0.8.0/22"]);
    const rules = plannedRules(networkAclRules(planProps({ subnetCidrs: interleaved, appPorts: [8080] })), "app");
    for (const cidr of interleaved.public) expect(naclAllows(rules, "ingress", cidr, 8080)).toBe(true);
    for (const cidr of [...interleaved.app, ...interleaved.database]) {
      expect(naclAllows(rules, "ingress", cidr, 8080)).toBe(false);
    }
  });
});

describe("networkAclRules identity", () => {
  /** Each rule as its address and number. */
  const identities = (appPorts: number[]) =>
    networkAclRules(planProps({ appPorts, allowHttpsWithinApp: true })).map((r) => `${ruleId(r)} #${r.ruleNumber}`);

  test("names each rule by tier, direction and what it allows", () => {
    expect(identities([8080])).toContain(
      `app-in-tcp-8080-10_10_0_0_19 #${preferredRuleNumber("tcp 8080 10.10.0.0/19")}`,
    );
    expect(identities([8080])).toContain(
      `public-in-tcp-1024to3388-0_0_0_0_0 #${preferredRuleNumber("tcp 1024-3388 0.0.0.0/0")}`,
    );
  });

  test("keeps every rule's address and number when services are reordered", () => {
    expect(identities([3000, 8080, 9000]).sort()).toEqual(identities([9000, 3000, 8080]).sort());
  });

  test("keeps every other rule's address and number when a port is added or removed", () => {
    const before = identities([3000, 8080]);
    const after = identities([3000, 4000, 8080]);
    expect(after.filter((r) => !r.includes("-4000-"))).toEqual(expect.arrayContaining(before));
    expect(after).toHaveLength(before.length + 2);
    expect(identities([8080])).toEqual(expect.arrayContaining(before.filter((r) => !r.includes("-3000-"))));
  });
});

describe("networkAclRules rule numbers", () => {
  const busiest = networkAclRules(
    planProps({
      subnetCidrs: deriveSubnetLayout(mustParseCidr("10.10.0.0/16"), 8),
      appPorts: Array.from({ length: 40 }, (_, i) => 3000 + i),
      allowHttpsWithinApp: true,
      testListener: { port: 8443, allowedCidrs: ["198.51.100.0/24", "192.0.2.0/24"] },
    }),
  );

  test("stay inside the construct's range, leaving numbers before and after it to users", () => {
    for (const rule of busiest) {
      expect(rule.ruleNumber).toBeGreaterThanOrEqual(RULE_NUMBER_RANGE.from);
      expect(rule.ruleNumber).toBeLessThanOrEqual(RULE_NUMBER_RANGE.to);
    }
  });

  test("never give two rules of one ACL and direction the same number", () => {
    const keys = busiest.map((r) => `${r.tier}-${r.egress ? "out" : "in"}-${r.ruleNumber}`);
    expect(new Set(keys).size).toBe(keys.length);
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

describe("assignRuleNumbers", () => {
  const inbound = (port: number, cidr = "10.0.0.0/16") =>
    ({ tier: "app", egress: false, cidr, fromPort: port, toPort: port }) as const;
  const numbers = (rules: NetworkAclRuleSpec[]) => Object.fromEntries(rules.map((r) => [ruleContent(r), r.ruleNumber]));
  /** Two ports whose rules hash to the same number (searched, not hard-coded). */
  const [first, second] = (() => {
    const seen = new Map<number, number>();
    for (let port = 1; port < 32768; port++) {
      const n = preferredRuleNumber(ruleContent(inbound(port)));
      if (seen.has(n)) return [seen.get(n)!, port];
      seen.set(n, port);
    }
    throw new Error("no two ports share a hash");
  })();

  test("gives a rule the number its content hashes to", () => {
    const [rule] = assignRuleNumbers([inbound(8080)]);
    expect(rule.ruleNumber).toBe(preferredRuleNumber("tcp 8080 10.0.0.0/16"));
  });

  test("lets rules of different ACLs or directions share a number", () => {
    const rules = assignRuleNumbers([
      inbound(8080),
      { ...inbound(8080), egress: true },
      { ...inbound(8080), tier: "public" },
    ]);
    expect(new Set(rules.map((r) => r.ruleNumber)).size).toBe(1);
  });

  test("moves one of two rules whose hashes meet, the same one whatever their order", () => {
    const a = numbers(assignRuleNumbers([inbound(first), inbound(second), inbound(8080)]));
    const b = numbers(assignRuleNumbers([inbound(8080), inbound(second), inbound(first)]));
    expect(a).toEqual(b);
    const preferred = preferredRuleNumber(ruleContent(inbound(first)));
    const held = [a[ruleContent(inbound(first))], a[ruleContent(inbound(second))]];
    expect(held).toContain(preferred);
    expect(held[0]).not.toBe(held[1]);
    expect(a[ruleContent(inbound(8080))]).toBe(preferredRuleNumber("tcp 8080 10.0.0.0/16"));
  });

  test("gives the moved rule its number back when the other goes", () => {
    for (const port of [first, second]) {
      const [alone] = assignRuleNumbers([inbound(port)]);
      expect(alone.ruleNumber).toBe(preferredRuleNumber(ruleContent(inbound(port))));
    }
  });
});

describe("busiestNetworkAclDirection", () => {
  test("finds the ACL direction holding the most rules, and how many", () => {
    // public inbound: 443, 80, the two halves of the ephemeral range around 3389, the app tier's replies.
    expect(busiestNetworkAclDirection(networkAclRules(planProps()))).toEqual({
      tier: "public",
      egress: false,
      count: 5,
    });
  });

  test("counts nothing in an empty plan", () => {
    expect(busiestNetworkAclDirection([])).toEqual({ tier: "public", egress: false, count: 0 });
  });
});
