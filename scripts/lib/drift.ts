/**
 * Drift that a Terraform plan cannot show. The stacks manage security group rules and network ACL entries as
 * separate resources (aws_vpc_security_group_*_rule, aws_network_acl_rule), so the group and the ACL themselves
 * do not own their rules: a rule added by hand to a managed group or ACL belongs to no resource, and every plan
 * stays at "No changes". This module compares what AWS holds for each managed group and ACL with the rules in
 * state and names what is extra.
 *
 * Expected runtime changes (desired counts, the released task definition, blue/green weights) are left to the
 * stacks' ignore_changes: the plan does not report them, and neither does this module.
 */

/** A resource of `terraform show -json` (its prior_state, refreshed by the plan). */
export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly mode?: string;
  readonly values: Record<string, unknown>;
}

interface StateModule {
  resources?: StateResource[];
  child_modules?: StateModule[];
}

/** The parts of `terraform show -json <planfile>` this module reads. */
export interface ShownPlanState {
  prior_state?: { values?: { root_module?: StateModule } };
}

/** A security group rule as EC2's DescribeSecurityGroupRules returns it. */
export interface LiveSecurityGroupRule {
  readonly SecurityGroupRuleId?: string;
  readonly GroupId?: string;
  readonly IsEgress?: boolean;
  readonly IpProtocol?: string;
  readonly FromPort?: number;
  readonly ToPort?: number;
  readonly CidrIpv4?: string;
  readonly CidrIpv6?: string;
  readonly PrefixListId?: string;
  readonly ReferencedGroupInfo?: { GroupId?: string };
  readonly Description?: string;
}

/** A network ACL as EC2's DescribeNetworkAcls returns it. */
export interface LiveNetworkAcl {
  readonly NetworkAclId?: string;
  readonly Entries?: {
    RuleNumber?: number;
    Egress?: boolean;
    Protocol?: string;
    RuleAction?: string;
    CidrBlock?: string;
    Ipv6CidrBlock?: string;
    PortRange?: { From?: number; To?: number };
  }[];
}

/** What the state says the stack owns: managed groups and ACLs, and the rules that belong to a resource. */
export interface ManagedRules {
  /** Security group id to its Terraform address. */
  readonly securityGroups: Map<string, string>;
  /** Ids (sgr-...) of the rules that are aws_vpc_security_group_ingress_rule/_egress_rule resources. */
  readonly securityGroupRuleIds: Set<string>;
  /** aws_security_group_rule resources (the older rule resource has no sgr- id in state). */
  readonly legacySecurityGroupRules: Record<string, unknown>[];
  /** Network ACL id to its Terraform address. */
  readonly networkAcls: Map<string, string>;
  /** `<acl id>/<ingress|egress>/<rule number>` of each aws_network_acl_rule resource. */
  readonly networkAclEntries: Set<string>;
}

/** Something changed outside Terraform that the plan does not show. */
export interface ExtraRule {
  /** Terraform address of the group or ACL the rule was added to. */
  readonly owner: string;
  /** The group's or ACL's AWS id. */
  readonly ownerId: string;
  /** One line describing the rule, as a person would look for it in the console. */
  readonly description: string;
}

/** AWS's own catch-all deny entries of every network ACL: not drift. */
export const DEFAULT_NACL_RULE_NUMBER = 32767;

function managedResources(shown: ShownPlanState): StateResource[] {
  const out: StateResource[] = [];
  const visit = (module: StateModule | undefined) => {
    if (!module) return;
    for (const r of module.resources ?? []) if ((r.mode ?? "managed") === "managed") out.push(r);
    (module.child_modules ?? []).forEach(visit);
  };
  visit(shown.prior_state?.values?.root_module);
  return out;
}

/** Reads the managed groups, ACLs and rule resources from a plan's refreshed prior state. */
export function managedRules(shown: ShownPlanState): ManagedRules {
  const managed: ManagedRules = {
    securityGroups: new Map(),
    securityGroupRuleIds: new Set(),
    legacySecurityGroupRules: [],
    networkAcls: new Map(),
    networkAclEntries: new Set(),
  };
  for (const r of managedResources(shown)) {
    const v = r.values;
    switch (r.type) {
      case "aws_security_group":
        managed.securityGroups.set(String(v.id), r.address);
        break;
      case "aws_vpc_security_group_ingress_rule":
      case "aws_vpc_security_group_egress_rule":
        managed.securityGroupRuleIds.add(String(v.security_group_rule_id ?? v.id));
        break;
      case "aws_security_group_rule":
        managed.legacySecurityGroupRules.push(v);
        break;
      case "aws_network_acl":
        managed.networkAcls.set(String(v.id), r.address);
        break;
      case "aws_network_acl_rule":
        managed.networkAclEntries.add(aclEntryKey(String(v.network_acl_id), Boolean(v.egress), Number(v.rule_number)));
        break;
    }
  }
  return managed;
}

function aclEntryKey(aclId: string, egress: boolean, ruleNumber: number): string {
  return `${aclId}/${egress ? "egress" : "ingress"}/${ruleNumber}`;
}

function protocolName(protocol: string | undefined): string {
  const names: Record<string, string> = { "-1": "all", "6": "tcp", "17": "udp", "1": "icmp" };
  return names[protocol ?? "-1"] ?? protocol ?? "all";
}

function portsText(from: number | undefined, to: number | undefined): string {
  if (from === undefined || from === -1) return "all ports";
  return from === to ? `port ${from}` : `ports ${from}-${to}`;
}

function sameProtocol(a: unknown, b: string | undefined): boolean {
  const norm = (p: unknown) => protocolName(String(p ?? "-1")).toLowerCase();
  return norm(a) === norm(b);
}

/** Whether an aws_security_group_rule resource in state is this live rule. */
function matchesLegacyRule(rule: Record<string, unknown>, live: LiveSecurityGroupRule): boolean {
  if (rule.security_group_id !== live.GroupId) return false;
  if ((rule.type === "egress") !== Boolean(live.IsEgress)) return false;
  if (!sameProtocol(rule.protocol, live.IpProtocol)) return false;
  const all = protocolName(live.IpProtocol) === "all";
  if (!all && (Number(rule.from_port) !== live.FromPort || Number(rule.to_port) !== live.ToPort)) return false;
  const list = (key: string) => (Array.isArray(rule[key]) ? (rule[key] as unknown[]).map(String) : []);
  if (live.CidrIpv4) return list("cidr_blocks").includes(live.CidrIpv4);
  if (live.CidrIpv6) return list("ipv6_cidr_blocks").includes(live.CidrIpv6);
  if (live.PrefixListId) return list("prefix_list_ids").includes(live.PrefixListId);
  const source = live.ReferencedGroupInfo?.GroupId;
  if (source) return rule.source_security_group_id === source || (rule.self === true && source === live.GroupId);
  return false;
}

/** Describes a live security group rule in one line. */
export function describeSecurityGroupRule(rule: LiveSecurityGroupRule): string {
  const direction = rule.IsEgress ? "egress" : "ingress";
  const peer = rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? rule.ReferencedGroupInfo?.GroupId ?? "(no peer)";
  const ports = protocolName(rule.IpProtocol) === "all" ? "all traffic" : portsText(rule.FromPort, rule.ToPort);
  const text = `${direction} ${protocolName(rule.IpProtocol)} ${ports} ${rule.IsEgress ? "to" : "from"} ${peer}`;
  const note = rule.Description ? ` "${rule.Description}"` : "";
  return `${text}${note} (${rule.SecurityGroupRuleId ?? "no id"})`;
}

/** Rules of managed security groups that no resource in state owns. */
export function extraSecurityGroupRules(managed: ManagedRules, live: LiveSecurityGroupRule[]): ExtraRule[] {
  return live
    .filter((rule) => rule.GroupId !== undefined && managed.securityGroups.has(rule.GroupId))
    .filter((rule) => !(rule.SecurityGroupRuleId && managed.securityGroupRuleIds.has(rule.SecurityGroupRuleId)))
    .filter((rule) => !managed.legacySecurityGroupRules.some((r) => matchesLegacyRule(r, rule)))
    .map((rule) => ({
      owner: managed.securityGroups.get(rule.GroupId!)!,
      ownerId: rule.GroupId!,
      description: describeSecurityGroupRule(rule),
    }));
}

/** Entries of managed network ACLs that no aws_network_acl_rule in state owns (AWS's catch-all denies aside). */
export function extraNetworkAclEntries(managed: ManagedRules, live: LiveNetworkAcl[]): ExtraRule[] {
  const extra: ExtraRule[] = [];
  for (const acl of live) {
    const id = acl.NetworkAclId;
    if (!id || !managed.networkAcls.has(id)) continue;
    for (const entry of acl.Entries ?? []) {
      const number = entry.RuleNumber ?? -1;
      if (number === DEFAULT_NACL_RULE_NUMBER) continue;
      if (managed.networkAclEntries.has(aclEntryKey(id, Boolean(entry.Egress), number))) continue;
      const direction = entry.Egress ? "egress" : "ingress";
      const ports =
        protocolName(entry.Protocol) === "all" ? "all traffic" : portsText(entry.PortRange?.From, entry.PortRange?.To);
      const peer = entry.CidrBlock ?? entry.Ipv6CidrBlock ?? "(no cidr)";
      extra.push({
        owner: managed.networkAcls.get(id)!,
        ownerId: id,
        description: `${direction} rule ${number}: ${entry.RuleAction ?? "?"} ${protocolName(entry.Protocol)} ${ports} ${entry.Egress ? "to" : "from"} ${peer}`,
      });
    }
  }
  return extra;
}

/** What the drift check found. */
export interface DriftFindings {
  /** What an apply would change to bring the resources back to the code (from the plan). */
  readonly planned: { address: string; action: string }[];
  readonly extraSecurityGroupRules: ExtraRule[];
  readonly extraNetworkAclEntries: ExtraRule[];
}

export function hasDrift(findings: DriftFindings): boolean {
  return (
    findings.planned.length > 0 ||
    findings.extraSecurityGroupRules.length > 0 ||
    findings.extraNetworkAclEntries.length > 0
  );
}

/** The report a person (or the drift workflow's issue) reads. */
export function driftReport(workspace: string, findings: DriftFindings): string {
  if (!hasDrift(findings)) return `${workspace}: no drift (the plan is empty and no managed rule was added by hand)`;
  const lines = [`${workspace}: DRIFT`];
  if (findings.planned.length > 0) {
    lines.push("", `Resources that differ from the code (${findings.planned.length}; an apply brings them back):`);
    lines.push(...findings.planned.map((c) => `  ${c.action.padEnd(8)} ${c.address}`));
  }
  const group = (title: string, rules: ExtraRule[], undo: string) => {
    if (rules.length === 0) return;
    lines.push("", `${title} (${rules.length}; ${undo}):`);
    for (const rule of rules) lines.push(`  ${rule.ownerId} ${rule.owner}: ${rule.description}`);
  };
  group(
    "Security group rules added outside Terraform",
    findings.extraSecurityGroupRules,
    "an apply does not remove them: delete them, or add them to the code",
  );
  group(
    "Network ACL entries added outside Terraform",
    findings.extraNetworkAclEntries,
    "an apply does not remove them: delete them, or add them to the code",
  );
  return lines.join("\n");
}
