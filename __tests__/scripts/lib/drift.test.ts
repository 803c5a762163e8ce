import {
  driftReport,
  extraNetworkAclEntries,
  extraSecurityGroupRules,
  hasDrift,
  managedRules,
  ShownPlanState,
  StateResource,
} from "../../../scripts/lib/drift";

const SG = "sg-0aaa";
const OTHER_SG = "sg-0bbb";
const ACL = "acl-0ccc";

function shown(resources: StateResource[]): ShownPlanState {
  return { prior_state: { values: { root_module: { resources } } } };
}

const state = shown([
  { address: "aws_security_group.Api_SecurityGroup", type: "aws_security_group", values: { id: SG } },
  {
    address: "aws_vpc_security_group_ingress_rule.Api_FromLb",
    type: "aws_vpc_security_group_ingress_rule",
    values: { id: "sgr-0001", security_group_rule_id: "sgr-0001", security_group_id: SG },
  },
  {
    address: "aws_vpc_security_group_egress_rule.Api_Https",
    type: "aws_vpc_security_group_egress_rule",
    values: { id: "sgr-0002", security_group_rule_id: "sgr-0002", security_group_id: SG },
  },
  { address: "aws_network_acl.Network_app", type: "aws_network_acl", values: { id: ACL } },
  {
    address: "aws_network_acl_rule.Network_app-in-100",
    type: "aws_network_acl_rule",
    values: { network_acl_id: ACL, rule_number: 100, egress: false },
  },
  { address: "data.aws_vpc.x", type: "aws_vpc", mode: "data", values: { id: "vpc-1" } },
]);

describe("security group rules", () => {
  test("rules that are resources in state are not drift", () => {
    const live = [
      {
        SecurityGroupRuleId: "sgr-0001",
        GroupId: SG,
        IsEgress: false,
        IpProtocol: "tcp",
        FromPort: 8080,
        ToPort: 8080,
      },
      { SecurityGroupRuleId: "sgr-0002", GroupId: SG, IsEgress: true, IpProtocol: "tcp", FromPort: 443, ToPort: 443 },
    ];
    expect(extraSecurityGroupRules(managedRules(state), live)).toEqual([]);
  });

  test("a rule added by hand to a managed group is named with its group, direction, port and peer", () => {
    const live = [
      {
        SecurityGroupRuleId: "sgr-0999",
        GroupId: SG,
        IsEgress: false,
        IpProtocol: "tcp",
        FromPort: 22,
        ToPort: 22,
        CidrIpv4: "0.0.0.0/0",
      },
    ];
    expect(extraSecurityGroupRules(managedRules(state), live)).toEqual([
      {
        owner: "aws_security_group.Api_SecurityGroup",
        ownerId: SG,
        description: "ingress tcp port 22 from 0.0.0.0/0 (sgr-0999)",
      },
    ]);
  });

  test("rules of groups the stack does not manage are not its business", () => {
    const live = [{ SecurityGroupRuleId: "sgr-0998", GroupId: OTHER_SG, IsEgress: true, IpProtocol: "-1" }];
    expect(extraSecurityGroupRules(managedRules(state), live)).toEqual([]);
  });

  test("an aws_security_group_rule resource owns the live rule it describes, and only that one", () => {
    const legacy = shown([
      { address: "aws_security_group.A", type: "aws_security_group", values: { id: SG } },
      {
        address: "aws_security_group_rule.A_Http",
        type: "aws_security_group_rule",
        values: {
          security_group_id: SG,
          type: "ingress",
          protocol: "tcp",
          from_port: 80,
          to_port: 80,
          cidr_blocks: ["10.0.0.0/16"],
        },
      },
    ]);
    const owned = {
      SecurityGroupRuleId: "sgr-1",
      GroupId: SG,
      IsEgress: false,
      IpProtocol: "tcp",
      FromPort: 80,
      ToPort: 80,
      CidrIpv4: "10.0.0.0/16",
    };
    const other = { ...owned, SecurityGroupRuleId: "sgr-2", CidrIpv4: "0.0.0.0/0" };
    expect(extraSecurityGroupRules(managedRules(legacy), [owned, other]).map((r) => r.description)).toEqual([
      "ingress tcp port 80 from 0.0.0.0/0 (sgr-2)",
    ]);
  });
});

describe("network ACL entries", () => {
  test("entries that are aws_network_acl_rule resources, and AWS's catch-all denies, are not drift", () => {
    const live = [
      {
        NetworkAclId: ACL,
        Entries: [
          { RuleNumber: 100, Egress: false, Protocol: "6", RuleAction: "allow", CidrBlock: "0.0.0.0/0" },
          { RuleNumber: 32767, Egress: false, Protocol: "-1", RuleAction: "deny", CidrBlock: "0.0.0.0/0" },
          { RuleNumber: 32767, Egress: true, Protocol: "-1", RuleAction: "deny", CidrBlock: "0.0.0.0/0" },
        ],
      },
    ];
    expect(extraNetworkAclEntries(managedRules(state), live)).toEqual([]);
  });

  test("an entry added by hand is named; the same number in the other direction is a different entry", () => {
    const live = [
      {
        NetworkAclId: ACL,
        Entries: [
          { RuleNumber: 100, Egress: false, Protocol: "6", RuleAction: "allow", CidrBlock: "0.0.0.0/0" },
          {
            RuleNumber: 100,
            Egress: true,
            Protocol: "6",
            RuleAction: "allow",
            CidrBlock: "203.0.113.0/24",
            PortRange: { From: 3389, To: 3389 },
          },
        ],
      },
      {
        NetworkAclId: "acl-unmanaged",
        Entries: [{ RuleNumber: 5, Egress: false, Protocol: "-1", RuleAction: "allow" }],
      },
    ];
    expect(extraNetworkAclEntries(managedRules(state), live)).toEqual([
      {
        owner: "aws_network_acl.Network_app",
        ownerId: ACL,
        description: "egress rule 100: allow tcp port 3389 to 203.0.113.0/24",
      },
    ]);
  });
});

describe("the report", () => {
  const none = { planned: [], extraSecurityGroupRules: [], extraNetworkAclEntries: [] };

  test("no drift: one line", () => {
    expect(hasDrift(none)).toBe(false);
    expect(driftReport("dev", none)).toBe("dev: no drift (the plan is empty and no managed rule was added by hand)");
  });

  test("a planned change alone is drift", () => {
    const findings = { ...none, planned: [{ address: "aws_s3_bucket.Logs", action: "update" }] };
    expect(hasDrift(findings)).toBe(true);
    expect(driftReport("dev", findings)).toContain("update   aws_s3_bucket.Logs");
  });

  test("an extra rule alone is drift, and the report says an apply will not remove it", () => {
    const findings = {
      ...none,
      extraSecurityGroupRules: [{ owner: "aws_security_group.A", ownerId: SG, description: "ingress tcp port 22" }],
    };
    expect(hasDrift(findings)).toBe(true);
    const report = driftReport("prod", findings);
    expect(report).toMatch(/^prod: DRIFT/);
    expect(report).toContain(`${SG} aws_security_group.A: ingress tcp port 22`);
    expect(report).toContain("an apply does not remove them");
  });
});
