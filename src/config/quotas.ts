import { ACCOUNT_QUOTAS, MAX_TARGET_GROUPS_PER_LOAD_BALANCER, QuotaName } from "../aws-limits";
import type { NatMode } from "../constructs/network";
import { referencesDatabase } from "../lib/secret-references";
import type { Issue } from "./workload";
import type { QuotaSettings, WorkspaceSettings } from "./schema";

/**
 * What the stacks create, counted against the quotas of the account and region it lands in, so that a file which
 * would fail half-way through `terraform apply` ("AddressLimitExceeded", "TooManyRules", "VpcLimitExceeded") is
 * refused at load instead. The counts follow the constructs:
 * - each NAT gateway holds one Elastic IP (see {@link natGateways});
 * - each workspace is one VPC, next to the default VPC AWS creates in every region;
 * - the load balancer's security group has one outbound rule per public service (SecurityGroupLink), and its HTTPS
 *   listener one rule per public service; a blue-green service has a second rule on the test listener, two target
 *   groups and two ECS services (blue and green) that may both run at full size during a release; every running
 *   task is one target; services sharing a port still get one rule each (each its own target group and group);
 * - the database's security group has one inbound rule per service that reads the database, and one for the
 *   maintenance task.
 * Fixed counts that stay far below their quotas (7 interface endpoints of 50 per VPC, one security group per network
 * interface of 5) are checked once by a test rather than per file.
 */

/**
 * NAT gateways, each with its Elastic IP, that src/constructs/network.ts creates for a mode (its `natGatewayCount`).
 * The config layer does not import the construct, which would load cdktf and the AWS provider into every script that
 * reads the environments; a test holds the two equal.
 */
export function natGateways(mode: NatMode, zones: number): number {
  return mode === "one-per-az" ? zones : mode === "single" ? 1 : 0;
}

/** "above AWS's default quota of 5" or "above the quota of 8 given in quotas.elasticIpsPerRegion", and how to raise it. */
export function quotaText(name: QuotaName, quotas: QuotaSettings): { above: string; raise: string } {
  const q = ACCOUNT_QUOTAS[name];
  const limit = quotas[name];
  const above =
    limit === q.default
      ? `above AWS's default quota of ${limit} ("${q.quotaName}", ${q.service})`
      : `above the quota of ${limit} given in quotas.${name}`;
  return { above, raise: `or raise "${q.quotaName}" for the account in Service Quotas and set quotas.${name}` };
}

/** The checks one workspace can make on its own (`zones`: its availability zones, resolved). */
export function checkQuotas(ws: WorkspaceSettings, zones: number, issues: Issue[]): void {
  const quotas = ws.quotas;
  const nat = natGateways(ws.network.natGateways, zones);
  if (nat > quotas.elasticIpsPerRegion) {
    const { above, raise } = quotaText("elasticIpsPerRegion", quotas);
    issues.push({
      field: "network.natGateways",
      message:
        `"${ws.network.natGateways}" across ${zones} zones needs ${nat} Elastic IP addresses (one per NAT gateway), ` +
        `${above}; use "single" or fewer zones, ${raise}`,
    });
  }

  const publicServices = ws.services.filter((s) => s.public);
  if (publicServices.length > quotas.securityGroupRulesPerDirection) {
    const { above, raise } = quotaText("securityGroupRulesPerDirection", quotas);
    issues.push({
      field: "services",
      message:
        `${publicServices.length} public services need as many outbound rules in the load balancer's security group, ` +
        `${above}; make some services internal (public: false), ${raise}`,
    });
  }
  const colours = (svc: WorkspaceSettings["services"][number]) => (svc.deployment.strategy === "blue-green" ? 2 : 1);
  const rules = publicServices.reduce((sum, s) => sum + colours(s), 0);
  if (rules > quotas.listenerRulesPerLoadBalancer) {
    const { above, raise } = quotaText("listenerRulesPerLoadBalancer", quotas);
    issues.push({
      field: "services",
      message:
        `${publicServices.length} public services need ${rules} listener rules (one each, and one more on the test ` +
        `listener for a blue-green service), ${above}; make some services internal, ${raise}`,
    });
  }
  const targetGroups = rules; // a target group behind each listener rule
  if (targetGroups > MAX_TARGET_GROUPS_PER_LOAD_BALANCER) {
    issues.push({
      field: "services",
      message:
        `${publicServices.length} public services need ${targetGroups} target groups on the load balancer (one each, two for a ` +
        `blue-green service), above the ${MAX_TARGET_GROUPS_PER_LOAD_BALANCER} target groups per Application Load ` +
        `Balancer AWS allows (a fixed quota: Service Quotas cannot raise it); make some services internal ` +
        `(public: false), use "rolling" instead of "blue-green", or split the services across workspaces`,
    });
  }
  const targets = publicServices.reduce((sum, s) => sum + s.autoscaling.max * colours(s), 0);
  if (targets > quotas.targetsPerLoadBalancer) {
    const { above, raise } = quotaText("targetsPerLoadBalancer", quotas);
    issues.push({
      field: "services",
      message:
        `the public services may scale to ${targets} tasks together (the sum of their autoscaling.max, twice for a ` +
        `blue-green service), each a target of the load balancer, ${above}; lower autoscaling.max, ${raise}`,
    });
  }

  if (ws.database) {
    const readers = ws.services.filter((s) => referencesDatabase(s.secrets)).length;
    const inbound = readers + (ws.cluster.maintenanceTask?.enabled ? 1 : 0);
    if (inbound > quotas.securityGroupRulesPerDirection) {
      const { above, raise } = quotaText("securityGroupRulesPerDirection", quotas);
      issues.push({
        field: "database",
        message:
          `${inbound} services and tasks reach the database, each through an inbound rule of its security group, ` +
          `${above}; ${raise}`,
      });
    }
  }
}

/** A workspace as the set-wide quota checks see it. */
export interface QuotaUser {
  readonly name: string;
  readonly file: string;
  readonly accountId: string;
  readonly region: string;
  readonly quotas: QuotaSettings;
  readonly network: {
    readonly natGateways: WorkspaceSettings["network"]["natGateways"];
    readonly availabilityZones: string[];
  };
}

/**
 * Quotas that workspaces sharing one account and region draw on together: Elastic IPs and VPCs. Returns the issues
 * by file; each workspace is held to the quota its own file states.
 */
export function checkSharedQuotas(workspaces: readonly QuotaUser[]): Map<string, Issue[]> {
  const byFile = new Map<string, Issue[]>();
  const add = (file: string, issue: Issue) => byFile.set(file, [...(byFile.get(file) ?? []), issue]);
  const groups = new Map<string, QuotaUser[]>();
  for (const ws of workspaces) {
    const key = `${ws.accountId} ${ws.region}`;
    groups.set(key, [...(groups.get(key) ?? []), ws]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const names = group.map((w) => `"${w.name}" (${w.file})`).join(", ");
    const eips = group.reduce(
      (sum, w) => sum + natGateways(w.network.natGateways, w.network.availabilityZones.length),
      0,
    );
    const vpcs = group.length + 1;
    for (const ws of group) {
      const where = `account ${ws.accountId} in ${ws.region}`;
      if (eips > ws.quotas.elasticIpsPerRegion) {
        const { above, raise } = quotaText("elasticIpsPerRegion", ws.quotas);
        add(ws.file, {
          field: "network.natGateways",
          message: `the workspaces ${names} share ${where} and need ${eips} Elastic IP addresses for their NAT gateways, ${above}; use fewer NAT gateways, ${raise}`,
        });
      }
      if (vpcs > ws.quotas.vpcsPerRegion) {
        const { above, raise } = quotaText("vpcsPerRegion", ws.quotas);
        add(ws.file, {
          field: "network",
          message: `the workspaces ${names} share ${where}: ${group.length} VPCs and the region's default VPC make ${vpcs}, ${above}; give a workspace its own account, ${raise}`,
        });
      }
    }
  }
  return byFile;
}
