// The default quotas of a new account against what the stacks create (src/config/quotas.ts): refused past the quota
// with the quota's name and how to raise it, accepted once the file states a raised quota.
import { ACCOUNT_QUOTAS, MAX_INTERFACE_ENDPOINTS_PER_VPC } from "../../src/aws-limits";
import { natGateways, NAT_MODES, validateWorkspaceSet } from "../../src/config";
import { INTERFACE_ENDPOINT_SERVICES, natGatewayCount } from "../../src/constructs/network";
import { configIssue, DEV_FILE, issuesOf, PROD_FILE, validateChanged, workspaceSet } from "../../test/fixtures";

const dev = (change: Parameters<typeof validateChanged>[1]) => validateChanged("dev", change);
const prod = (change: Parameters<typeof validateChanged>[1]) => validateChanged("prod", change);
const devIssue = (field: string, message: RegExp) => configIssue(DEV_FILE, field, message);
const prodIssue = (field: string, message: RegExp) => configIssue(PROD_FILE, field, message);

/** Internal services that need no host, to add many of them. */
function services(count: number, publicOnes: boolean) {
  return Array.from({ length: count }, (_, i) => ({
    name: `svc${i}`,
    port: 4000 + i,
    public: publicOnes,
    hosts: publicOnes ? [`s${i}.dev.acme.example.com`] : [],
    priority: 1000 + i,
  }));
}

describe("Elastic IPs", () => {
  test("a NAT gateway in each of six zones needs six Elastic IPs, above the default quota of five", () => {
    expect(
      prod((ws) => {
        ws.network.azCount = 6;
      }),
    ).toThrow(
      prodIssue(
        "network.natGateways",
        /"one-per-az" across 6 zones needs 6 Elastic IP addresses \(one per NAT gateway\), above AWS's default quota of 5 \("EC2-VPC Elastic IPs", Amazon EC2\); use "single" or fewer zones, or raise "EC2-VPC Elastic IPs" for the account in Service Quotas and set quotas\.elasticIpsPerRegion$/,
      ),
    );
  });

  test("the same is accepted once the file states the raised quota", () => {
    const check = prod((ws) => {
      ws.network.azCount = 6;
      ws.quotas = { elasticIpsPerRegion: 10 };
    });
    expect(check().quotas.elasticIpsPerRegion).toBe(10);
  });

  test("a stated quota that is still too low is named as the file's", () => {
    expect(
      prod((ws) => {
        ws.network.azCount = 6;
        ws.quotas = { elasticIpsPerRegion: 5 };
      }),
    ).toThrow(prodIssue("network.natGateways", /.*above AWS's default quota of 5/));
  });

  test("a quota below AWS's default is refused", () => {
    expect(prod((ws) => (ws.quotas = { elasticIpsPerRegion: 2 }))).toThrow(
      prodIssue("quotas.elasticIpsPerRegion", /2 is too small; expected at least 5$/),
    );
  });

  test("the loader counts NAT gateways as the network construct creates them", () => {
    for (const mode of NAT_MODES) {
      for (let zones = 2; zones <= 6; zones++) expect(natGateways(mode, zones)).toBe(natGatewayCount(mode, zones));
    }
  });
});

describe("network ACL rules", () => {
  const manyPorts = (ws: Parameters<Parameters<typeof dev>[0]>[0]) => {
    ws.network.azCount = 3;
    ws.services.push(...services(17, true));
  };

  test("past the default of 20, naming the quota and the field that raises it", () => {
    expect(dev(manyPorts)).toThrow(
      devIssue(
        "services",
        /19 distinct public service ports across 3 zones need 21 network ACL rules in one direction \(the public tier's outbound rules: one per distinct port, more when a tier's subnets share no CIDR block free of the other tiers\), above AWS's default quota of 20 \("Rules per network ACL", Amazon VPC\); let services share ports \(each task has its own address\), or raise "Rules per network ACL" for the account in Service Quotas and set quotas\.networkAclRulesPerDirection$/,
      ),
    );
  });

  test("accepted with quotas.networkAclRulesPerDirection 30", () => {
    const check = dev((ws) => {
      manyPorts(ws);
      ws.quotas = { networkAclRulesPerDirection: 30 };
    });
    expect(check().services).toHaveLength(19);
  });

  test("18 distinct public ports fit the default quota, whatever the number of zones", () => {
    const check = dev((ws) => {
      ws.network.azCount = 6;
      ws.services.push(...services(16, true));
    });
    expect(check().services).toHaveLength(18);
  });

  test("the quota cannot be stated above AWS's ceiling of 40", () => {
    expect(dev((ws) => (ws.quotas = { networkAclRulesPerDirection: 50 }))).toThrow(
      devIssue("quotas.networkAclRulesPerDirection", /50 is too big; expected at most 40$/),
    );
  });
});

describe("load balancer quotas", () => {
  test("more public services than the load balancer's security group has outbound rules is refused", () => {
    const issues = issuesOf(
      dev((ws) => {
        ws.services = services(61, true);
        ws.secrets = [];
        ws.quotas = { networkAclRulesPerDirection: 40 };
      }),
    );
    expect(issues).toContainEqual({
      field: "services",
      message: expect.stringMatching(
        /^61 public services need as many outbound rules in the load balancer's security group, above AWS's default quota of 60 \("Inbound or outbound rules per security group", Amazon VPC\); make some services internal/,
      ),
    });
  });

  test("more public tasks than the load balancer's 1000 targets is refused", () => {
    expect(dev((ws) => (ws.services[1].autoscaling = { min: 1, max: 999 }))).toThrow(
      devIssue(
        "services",
        /the public services may scale to 1001 tasks together \(the sum of their autoscaling\.max, twice for a blue-green service\), each a target of the load balancer, above AWS's default quota of 1000 \("Targets per Application Load Balancer", Elastic Load Balancing\); lower autoscaling\.max, or raise/,
      ),
    );
  });

  test("the listener rules quota, when it is the lower one, is named", () => {
    const issues = issuesOf(
      dev((ws) => {
        ws.services = services(101, true);
        ws.secrets = [];
        ws.quotas = { networkAclRulesPerDirection: 40, securityGroupRulesPerDirection: 200 };
      }),
    );
    expect(issues.map((i) => i.message)).toContainEqual(
      expect.stringMatching(
        /^101 public services need 101 listener rules \(one each, and one more on the test listener for a blue-green service\), above AWS's default quota of 100 \("Rules per Application Load Balancer"/,
      ),
    );
  });

  test("past 100 target groups, a fixed quota, says it cannot be raised and what to do instead", () => {
    const issues = issuesOf(
      dev((ws) => {
        ws.services = services(101, true).map((svc) => ({ ...svc, port: 8080 }));
        ws.secrets = [];
        ws.quotas = { listenerRulesPerLoadBalancer: 200, securityGroupRulesPerDirection: 200 };
      }),
    );
    expect(issues).toEqual([
      {
        field: "services",
        message:
          '101 public services need 101 target groups on the load balancer (one each, two for a blue-green service), above the 100 target groups per Application Load Balancer AWS allows (a fixed quota: Service Quotas cannot raise it); make some services internal (public: false), use "rolling" instead of "blue-green", or split the services across workspaces',
      },
    ]);
  });

  test("thirty public services sharing two ports fit every default quota", () => {
    const check = dev((ws) => {
      ws.network.azCount = 3;
      ws.services = services(30, true).map((svc, i) => ({ ...svc, port: i % 2 ? 3000 : 8080 }));
      ws.secrets = [];
    });
    expect(check().services).toHaveLength(30);
  });

  test("a blue-green service counts twice: two ECS services behind the load balancer, a rule on each listener", () => {
    const blueGreen = (ws: Parameters<Parameters<typeof dev>[0]>[0]) => {
      ws.loadBalancer = { testListener: { allowedCidrs: ["203.0.113.0/24"] } };
      ws.services[1].deployment = { strategy: "blue-green" };
      ws.services[1].autoscaling = { min: 1, max: 500 };
    };
    expect(dev(blueGreen)).toThrow(
      devIssue("services", /the public services may scale to 1002 tasks together .* above AWS's default quota of 1000/),
    );
    const raised = dev((ws) => {
      blueGreen(ws);
      ws.quotas = { targetsPerLoadBalancer: 2000 };
    });
    expect(raised().services[1].deployment.strategy).toBe("blue-green");
  });

  test("more test listener CIDRs than the network ACLs number is a file error, not a crash", () => {
    const cidrs = Array.from({ length: 11 }, (_, i) => `203.0.${i}.0/24`);
    expect(dev((ws) => (ws.loadBalancer = { testListener: { allowedCidrs: cidrs } }))).toThrow(
      devIssue("loadBalancer.testListener.allowedCidrs", /at most 10 CIDRs/),
    );
  });

  test("internal services take no listener rule, so many of them are accepted", () => {
    const check = dev((ws) => ws.services.push(...services(70, false)));
    expect(check().services).toHaveLength(72);
  });
});

describe("the database's security group", () => {
  test("more readers than its inbound rules is refused", () => {
    const readers = Array.from({ length: 60 }, (_, i) => ({
      name: `reader${i}`,
      port: 5000 + i,
      public: false,
      secrets: { DATABASE_HOST: { parameter: "database/HOST" } },
    }));
    expect(dev((ws) => ws.services.push(...readers))).toThrow(
      devIssue(
        "database",
        /62 services and tasks reach the database, each through an inbound rule of its security group, above AWS's default quota of 60/,
      ),
    );
  });
});

describe("quotas that workspaces sharing an account draw on together", () => {
  const shared = "shares the account for a load test of the release";

  test("Elastic IPs of two workspaces in one account and region are added up (3 + 3 NAT gateways)", () => {
    const set = workspaceSet((dev, prod) => {
      prod.accountId = dev.accountId;
      dev.sharedAccountWaiver = shared;
      prod.sharedAccountWaiver = shared;
      dev.network.natGateways = "one-per-az";
      dev.network.azCount = 3;
    });
    expect(() => validateWorkspaceSet(set)).toThrow(
      prodIssue(
        "network.natGateways",
        /the workspaces "dev" \(environments\/dev\.ts\), "prod" \(environments\/prod\.ts\) share account 222222222222 in us-east-1 and need 6 Elastic IP addresses for their NAT gateways, above AWS's default quota of 5 \("EC2-VPC Elastic IPs", Amazon EC2\); use fewer NAT gateways, or raise/,
      ),
    );
  });

  test("VPCs of five workspaces in one account and region, with the default VPC, pass the quota of five", () => {
    const set = workspaceSet((dev, prod) => {
      prod.accountId = dev.accountId;
      dev.sharedAccountWaiver = shared;
      prod.sharedAccountWaiver = shared;
    });
    const more = [2, 3, 4].map((n) => ({
      ...set[0],
      name: `dev${n}`,
      file: `environments/dev${n}.ts`,
      namePrefix: `acme-dev${n}`,
      network: { ...set[0].network, natGateways: "none" as const },
    }));
    expect(() => validateWorkspaceSet([...set, ...more])).toThrow(
      /environments\/dev\.ts is not a valid configuration:\n(?: {2}- .*\n)* {2}- network: the workspaces .* share account 222222222222 in us-east-1: 5 VPCs and the region's default VPC make 6, above AWS's default quota of 5 \("VPCs per Region", Amazon VPC\); give a workspace its own account, or raise/,
    );
  });

  test("workspaces in different regions of one account do not share these quotas", () => {
    const set = workspaceSet((dev, prod) => {
      prod.accountId = dev.accountId;
      prod.region = "eu-west-1";
      dev.sharedAccountWaiver = shared;
      prod.sharedAccountWaiver = shared;
    });
    expect(() => validateWorkspaceSet(set)).not.toThrow();
  });
});

describe("quotas the stacks stay under by construction", () => {
  test("interface endpoints per VPC", () => {
    expect(INTERFACE_ENDPOINT_SERVICES.length).toBeLessThanOrEqual(MAX_INTERFACE_ENDPOINTS_PER_VPC);
  });

  test("every quota a file can state starts at AWS's default and has a ceiling above it", () => {
    for (const quota of Object.values(ACCOUNT_QUOTAS)) expect(quota.max).toBeGreaterThan(quota.default);
  });
});
