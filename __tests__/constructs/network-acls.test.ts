import { NetworkAclRule } from "@cdktf/provider-aws/lib/network-acl-rule";
import { networkAclRules } from "../../src/constructs/network-acl-rules";
import { NetworkAcls, NetworkAclsProps } from "../../src/constructs/network-acls";
import { mustParseCidr } from "../../src/lib/cidr";
import { deriveSubnetLayout, SUBNET_TIERS } from "../../src/lib/subnet-layout";
import { NAME_PREFIX, VPC_ID } from "../../test/construct-fixtures";
import { aclOfTier, NaclRule, plannedRules, synthesizedRules } from "../../test/nacl";
import { synthConstruct } from "../../test/stacks";
import { configAt } from "../../test/terraform";

const SUBNET_IDS = {
  public: ["subnet-pub-a", "subnet-pub-b"],
  app: ["subnet-app-a", "subnet-app-b"],
  database: ["subnet-db-a", "subnet-db-b"],
};

function aclsProps(overrides: Partial<NetworkAclsProps> = {}): NetworkAclsProps {
  return {
    vpcId: VPC_ID,
    subnetIds: SUBNET_IDS,
    subnetCidrs: deriveSubnetLayout(mustParseCidr("10.10.0.0/16"), 2),
    appPorts: [3000, 8080],
    databasePort: 5432,
    allowHttpsWithinApp: true,
    namePrefix: NAME_PREFIX,
    ...overrides,
  };
}

/** A rule without the ACL it belongs to, for comparing sets of rules. */
const ruleKey = (r: NaclRule) =>
  [r.egress ? "out" : "in", r.rule_number, r.protocol, r.rule_action, r.cidr_block, r.from_port, r.to_port].join(" ");

describe("NetworkAcls", () => {
  let acls!: NetworkAcls;
  const { parsed } = synthConstruct((scope) => {
    acls = new NetworkAcls(scope, "Acls", aclsProps());
  });

  test.each(SUBNET_TIERS)("gives the %s tier its own ACL in the VPC, on exactly that tier's subnets", (tier) => {
    expect(configAt(parsed, aclOfTier(parsed, tier))).toEqual({
      vpc_id: VPC_ID,
      subnet_ids: SUBNET_IDS[tier],
      tags: { Name: `${NAME_PREFIX}-${tier}`, Tier: tier },
    });
  });

  test.each(SUBNET_TIERS)("turns every planned %s rule into one TCP allow rule on that tier's ACL", (tier) => {
    const plan = plannedRules(networkAclRules(aclsProps()), tier);
    expect(plan.length).toBeGreaterThan(0);
    expect(synthesizedRules(parsed, tier).map(ruleKey).sort()).toEqual(plan.map(ruleKey).sort());
  });

  test("creates no rule beyond the plan", () => {
    expect(Object.keys(parsed.resource.aws_network_acl_rule)).toHaveLength(networkAclRules(aclsProps()).length);
  });

  test("names each rule by tier, direction and what it allows, so its address does not depend on its place in the plan", () => {
    expect(acls.node.tryFindChild("public-in-tcp-443-0_0_0_0_0")).toBeInstanceOf(NetworkAclRule);
    expect(acls.node.tryFindChild("public-out-tcp-3000-10_10_64_0_20")).toBeInstanceOf(NetworkAclRule);
    expect(acls.node.tryFindChild("app-in-tcp-8080-10_10_0_0_20")).toBeInstanceOf(NetworkAclRule);
    expect(acls.node.tryFindChild("database-in-tcp-5432-10_10_64_0_20")).toBeInstanceOf(NetworkAclRule);
  });

  test("keeps every rule's address and content when the ports are reordered, and the others when one is added", () => {
    const rulesFor = (appPorts: number[]) =>
      synthConstruct((scope) => new NetworkAcls(scope, "Acls", aclsProps({ appPorts }))).parsed.resource
        .aws_network_acl_rule as Record<string, unknown>;
    const before = rulesFor([3000, 8080]);
    expect(rulesFor([8080, 3000])).toEqual(before);
    const added = rulesFor([8080, 3000, 9000]);
    expect(Object.keys(added)).toHaveLength(Object.keys(before).length + 2);
    for (const [address, rule] of Object.entries(before)) expect(added[address]).toEqual(rule);
  });

  test("refuses ports the rule plan refuses", () => {
    expect(() => synthConstruct((scope) => new NetworkAcls(scope, "Acls", aclsProps({ appPorts: [40000] })))).toThrow(
      /NetworkAcls: port 40000 is in the Linux ephemeral range/,
    );
  });
});
