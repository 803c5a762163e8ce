import { Testing, TerraformStack } from "cdktf";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Network, NetworkProps } from "../../src/constructs/network";
import { networkAclRules } from "../../src/constructs/network-acl-rules";
import { contains, mustParseCidr, overlaps } from "../../src/lib/cidr";
import { deriveSubnetLayout, SUBNET_TIERS } from "../../src/lib/subnet-layout";
import { KMS_KEY_ARN, networkProps, VPC_CIDR, ZONES } from "../../test/construct-fixtures";
import { aclOfTier, plannedRules, synthesizedRules } from "../../test/nacl";
import { refTarget, resourcesOf, Synthesized, synthConstruct } from "../../test/stacks";

const synthesized = new Map<string, Synthesized>();
/** The Network synthesized with these overrides; tests that read the same props share one synth. */
function synthNetwork(overrides: Partial<NetworkProps> = {}): Synthesized {
  const props = networkProps(overrides);
  const key = JSON.stringify(props);
  if (!synthesized.has(key)) {
    synthesized.set(key, synthConstruct((scope) => new Network(scope, "Network", props)).parsed);
  }
  return synthesized.get(key)!;
}

/** id (type.name) of every resource of a type whose tags.Tier is `tier`. */
function idsByTier(parsed: Synthesized, type: string, tier: string): string[] {
  return Object.entries(parsed.resource[type] ?? {})
    .filter(([, r]) => (r.tags as Record<string, string> | undefined)?.Tier === tier)
    .map(([name]) => `${type}.${name}`);
}

describe("Network subnets", () => {
  test.each([2, 3])("creates one subnet per tier in each of %i availability zones", (count) => {
    const zones = ZONES.slice(0, count);
    const parsed = synthNetwork({
      availabilityZones: zones,
      subnets: deriveSubnetLayout(mustParseCidr("10.10.0.0/16"), count),
    });
    for (const tier of SUBNET_TIERS) {
      const subnets = resourcesOf(parsed, "aws_subnet").filter((s) => (s.tags as Record<string, string>).Tier === tier);
      expect(subnets.map((s) => s.availability_zone)).toEqual(zones);
    }
  });

  test("gives each subnet the CIDR of its tier and zone", () => {
    const parsed = synthNetwork();
    const layout = deriveSubnetLayout(mustParseCidr(VPC_CIDR), 3);
    for (const tier of SUBNET_TIERS) {
      const subnets = resourcesOf(parsed, "aws_subnet").filter((s) => (s.tags as Record<string, string>).Tier === tier);
      expect(subnets.map((s) => [s.availability_zone, s.cidr_block])).toEqual(
        ZONES.map((zone, i) => [zone, layout[tier][i]]),
      );
    }
  });

  test("subnet CIDRs lie inside the VPC and are pairwise disjoint", () => {
    const parsed = synthNetwork();
    const vpc = mustParseCidr(String(resourcesOf(parsed, "aws_vpc")[0].cidr_block));
    const cidrs = resourcesOf(parsed, "aws_subnet").map((s) => String(s.cidr_block));
    expect(cidrs).toHaveLength(9);
    cidrs.forEach((c, i) => {
      expect(contains(vpc, mustParseCidr(c))).toBe(true);
      cidrs.slice(i + 1).forEach((other) => expect(overlaps(mustParseCidr(c), mustParseCidr(other))).toBe(false));
    });
  });

  test("no subnet hands out public IPs on launch", () => {
    const parsed = synthNetwork();
    expect(resourcesOf(parsed, "aws_subnet").every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  test("the VPC has DNS support and hostnames on", () => {
    expect(JSON.stringify(synthNetwork())).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.10.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
  });
});

describe("Network routing", () => {
  /** Route table ids associated with the subnets of a tier. */
  function routeTablesOfTier(parsed: Synthesized, tier: string): string[] {
    const subnetIds = idsByTier(parsed, "aws_subnet", tier);
    return resourcesOf(parsed, "aws_route_table_association")
      .filter((a) => subnetIds.includes(refTarget(a.subnet_id)))
      .map((a) => refTarget(a.route_table_id));
  }
  function routesOf(parsed: Synthesized, tableId: string) {
    return resourcesOf(parsed, "aws_route").filter((r) => refTarget(r.route_table_id) === tableId);
  }

  test.each(["none", "single", "one-per-az"] as const)(
    "database subnets have no route out with NAT mode %s",
    (mode) => {
      const parsed = synthNetwork({ natGateways: mode });
      const tables = routeTablesOfTier(parsed, "database");
      expect(tables).toHaveLength(3);
      for (const table of tables) {
        expect(routesOf(parsed, table)).toEqual([]);
        expect(parsed.resource.aws_route_table[table.split(".")[1]].route).toBeUndefined();
      }
    },
  );

  test("public subnets route to the internet gateway", () => {
    const parsed = synthNetwork();
    const tables = [...new Set(routeTablesOfTier(parsed, "public"))];
    expect(tables).toHaveLength(1);
    const routes = routesOf(parsed, tables[0]);
    expect(routes).toHaveLength(1);
    expect(routes[0].destination_cidr_block).toBe("0.0.0.0/0");
    expect(refTarget(routes[0].gateway_id)).toMatch(/^aws_internet_gateway\./);
  });

  test.each([
    ["none", 0],
    ["single", 1],
    ["one-per-az", 3],
  ] as const)("NAT mode %s creates %i NAT gateways with an Elastic IP each", (mode, count) => {
    const parsed = synthNetwork({ natGateways: mode });
    expect(resourcesOf(parsed, "aws_nat_gateway")).toHaveLength(count);
    expect(resourcesOf(parsed, "aws_eip")).toHaveLength(count);
  });

  test("one-per-az routes each app subnet to the NAT gateway in its own zone", () => {
    const parsed = synthNetwork({ natGateways: "one-per-az" });
    const subnetZone = Object.fromEntries(
      Object.entries(parsed.resource.aws_subnet).map(([name, s]) => [`aws_subnet.${name}`, s.availability_zone]),
    );
    const natZone = Object.fromEntries(
      Object.entries(parsed.resource.aws_nat_gateway).map(([name, n]) => [
        `aws_nat_gateway.${name}`,
        subnetZone[refTarget(n.subnet_id)],
      ]),
    );
    const appSubnets = idsByTier(parsed, "aws_subnet", "app");
    for (const assoc of resourcesOf(parsed, "aws_route_table_association").filter((a) =>
      appSubnets.includes(refTarget(a.subnet_id)),
    )) {
      const [route] = routesOf(parsed, refTarget(assoc.route_table_id));
      expect(natZone[refTarget(route.nat_gateway_id)]).toBe(subnetZone[refTarget(assoc.subnet_id)]);
    }
  });

  test("single NAT: every app subnet routes to the one NAT gateway, which sits in a public subnet", () => {
    const parsed = synthNetwork({ natGateways: "single" });
    const [natName] = Object.keys(parsed.resource.aws_nat_gateway);
    const appRoutes = resourcesOf(parsed, "aws_route").filter((r) => r.nat_gateway_id !== undefined);
    expect(appRoutes).toHaveLength(3);
    expect(appRoutes.every((r) => refTarget(r.nat_gateway_id) === `aws_nat_gateway.${natName}`)).toBe(true);
    const natSubnet = refTarget(parsed.resource.aws_nat_gateway[natName].subnet_id);
    expect(idsByTier(parsed, "aws_subnet", "public")).toContain(natSubnet);
  });

  test("NAT mode none leaves the app tier without a default route", () => {
    const parsed = synthNetwork({ natGateways: "none" });
    const appTables = routeTablesOfTier(parsed, "app");
    expect(appTables.flatMap((t) => routesOf(parsed, t))).toEqual([]);
  });
});

describe("Network ACLs", () => {
  const parsed = synthNetwork();

  test.each([false, true])(
    "hold the rule plan for the subnets, app ports and database port (interface endpoints %s)",
    (interfaceEndpoints) => {
      const props = networkProps({ appPorts: [3000, 8080], databasePort: 3306, interfaceEndpoints });
      const synthesized = synthNetwork(props);
      const plan = networkAclRules({
        subnetCidrs: props.subnets,
        appPorts: [3000, 8080],
        databasePort: 3306,
        allowHttpsWithinApp: interfaceEndpoints,
      });
      const key = (r: { rule_number: number; egress: boolean; cidr_block: string; from_port: number }) =>
        `${r.egress} ${r.rule_number} ${r.cidr_block} ${r.from_port}`;
      for (const tier of SUBNET_TIERS) {
        expect(synthesizedRules(synthesized, tier).map(key).sort()).toEqual(plannedRules(plan, tier).map(key).sort());
      }
    },
  );

  test("each tier's ACL is associated with exactly that tier's subnets", () => {
    for (const tier of SUBNET_TIERS) {
      const acl = parsed.resource.aws_network_acl[aclOfTier(parsed, tier).split(".")[1]];
      const subnetIds = (acl.subnet_ids as string[]).map(refTarget);
      expect(subnetIds.sort()).toEqual(idsByTier(parsed, "aws_subnet", tier).sort());
    }
  });

  test("the default network ACL and default security group are managed with no rules", () => {
    const [defaultAcl] = resourcesOf(parsed, "aws_default_network_acl");
    expect(defaultAcl.ingress).toBeUndefined();
    expect(defaultAcl.egress).toBeUndefined();
    const [defaultSg] = resourcesOf(parsed, "aws_default_security_group");
    expect(defaultSg.ingress).toBeUndefined();
    expect(defaultSg.egress).toBeUndefined();
    expect(refTarget(defaultSg.vpc_id)).toMatch(/^aws_vpc\./);
  });
});

describe("Network flow logs and endpoints", () => {
  test("flow logs go to a CloudWatch log group with the configured retention, through a scoped role", () => {
    const parsed = synthNetwork({ flowLogRetentionDays: 90 });
    const [flowLog] = resourcesOf(parsed, "aws_flow_log");
    expect(flowLog).toMatchObject({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs" });
    expect(refTarget(flowLog.vpc_id)).toMatch(/^aws_vpc\./);
    const [group] = resourcesOf(parsed, "aws_cloudwatch_log_group");
    expect(group.retention_in_days).toBe(90);
    const trust = Object.values(parsed.data!.aws_iam_policy_document).find((d) =>
      JSON.stringify(d).includes("vpc-flow-logs.amazonaws.com"),
    );
    expect(JSON.stringify(trust)).toContain("222222222222");
  });

  test("the flow log group is encrypted with flowLogKmsKeyArn", () => {
    const [group] = resourcesOf(synthNetwork({ flowLogKmsKeyArn: KMS_KEY_ARN }), "aws_cloudwatch_log_group");
    expect(group.kms_key_id).toBe(KMS_KEY_ARN);
  });

  test("flow logs can be switched off", () => {
    const parsed = synthNetwork({ flowLogs: false });
    expect(resourcesOf(parsed, "aws_flow_log")).toEqual([]);
  });

  test("gateway endpoints for S3 and DynamoDB attach to every app route table", () => {
    const parsed = synthNetwork();
    const gateways = resourcesOf(parsed, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Gateway");
    expect(gateways.map((g) => g.service_name).sort()).toEqual([
      "com.amazonaws.us-east-1.dynamodb",
      "com.amazonaws.us-east-1.s3",
    ]);
    for (const g of gateways) expect(g.route_table_ids).toHaveLength(3);
  });

  test("interface endpoints are off by default and, when on, live in the app subnets behind an HTTPS-only group", () => {
    expect(resourcesOf(synthNetwork(), "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface")).toEqual(
      [],
    );
    const parsed = synthNetwork({ interfaceEndpoints: true });
    const interfaces = resourcesOf(parsed, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface");
    expect(interfaces.map((e) => String(e.service_name).replace("com.amazonaws.us-east-1.", "")).sort()).toEqual([
      "ecr.api",
      "ecr.dkr",
      "kms",
      "logs",
      "secretsmanager",
      "ssm",
      "ssmmessages",
    ]);
    const appSubnets = idsByTier(parsed, "aws_subnet", "app").sort();
    for (const e of interfaces) {
      expect((e.subnet_ids as string[]).map(refTarget).sort()).toEqual(appSubnets);
      expect(e.private_dns_enabled).toBe(true);
    }
    const ingress = resourcesOf(parsed, "aws_vpc_security_group_ingress_rule");
    expect(ingress.map((r) => [r.from_port, r.to_port, r.cidr_ipv4])).toEqual(
      deriveSubnetLayout(mustParseCidr("10.10.0.0/16"), 3).app.map((c) => [443, 443, c]),
    );
  });
});

describe("Network props", () => {
  test("rejects a single availability zone", () => {
    expect(() =>
      Testing.synthScope((scope) => new Network(scope, "N", networkProps({ availabilityZones: ["us-east-1a"] }))),
    ).toThrow(/availabilityZones must name at least 2 zones/);
  });

  test("rejects a subnet list that does not match the zones", () => {
    const subnets = { ...deriveSubnetLayout(mustParseCidr("10.10.0.0/16"), 3), app: ["10.10.64.0/21"] };
    expect(() => Testing.synthScope((scope) => new Network(scope, "N", networkProps({ subnets })))).toThrow(
      /subnets.app has 1 CIDRs for 3 availability zones/,
    );
  });

  test("is usable inside any stack", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    const network = new Network(stack, "Network", networkProps());
    expect(network.subnets.app).toHaveLength(3);
    expect(network.natGateways).toHaveLength(1);
  });
});
