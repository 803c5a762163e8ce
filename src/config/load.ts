import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { contains, mustParseCidr, overlaps, parseCidr } from "../lib/cidr";
import {
  deriveSubnetLayout,
  LARGEST_DERIVED_VPC_PREFIX,
  SMALLEST_SUBNET_PREFIX,
  SUBNET_TIERS,
  SubnetLayout,
} from "../lib/subnet-layout";
import { availabilityZonesOf, KNOWN_REGIONS } from "./regions";
import { MAX_NACL_RULES_PER_DIRECTION, MIN_ALB_SUBNET_PREFIX } from "../aws-limits";
import { busiestNetworkAclDirection, MAX_APP_PORTS, networkAclRules } from "../constructs/network-acl-rules";
import { DATABASE_ENGINES, DEFAULT_DATABASE_PORT } from "../constructs/database-engines";
import { checkBlueGreen } from "./blue-green";
import { checkCi, checkCiAcrossWorkspaces } from "./ci";
import { DatabaseConfig, findLiteralSecrets, resolveWorkload, SecretConfig, ServiceConfig } from "./workload";
import {
  FIELD_HINTS,
  networkSchema,
  NetworkSettings,
  ProjectSettings,
  projectSchema,
  WorkspaceSettings,
  workspaceSchema,
} from "./schema";

/** File in `environments/` that holds the project-wide and bootstrap settings; every other file is a workspace. */
export const BOOTSTRAP_FILE = "bootstrap.ts";
/** Names that cannot be workspaces because a stack of that name already exists. */
export const RESERVED_WORKSPACE_NAMES: readonly string[] = ["bootstrap"];
export const DEFAULT_AZ_COUNT = 2;
export const MIN_AZ_COUNT = 2;
/** Load balancer names (`<prefix>-alb`) are limited to 32 characters. */
export const MAX_NAME_PREFIX = 24;

export interface ProjectConfig extends ProjectSettings {
  /** The file this came from, relative to the project root. */
  readonly file: string;
  readonly stateBucketName: string;
  readonly lockTableName: string;
  readonly stateAccessPrincipals: string[];
}

export interface NetworkConfig extends Omit<NetworkSettings, "azCount" | "availabilityZones" | "subnets"> {
  readonly availabilityZones: string[];
  readonly subnets: SubnetLayout;
}

export interface WorkspaceConfig extends Omit<
  WorkspaceSettings,
  "network" | "namePrefix" | "services" | "secrets" | "database" | "loadBalancer"
> {
  readonly file: string;
  readonly namePrefix: string;
  /** Key of this workspace's state object in the state bucket. */
  readonly stateKey: string;
  readonly network: NetworkConfig;
  readonly services: ServiceConfig[];
  readonly secrets: SecretConfig[];
  readonly database?: DatabaseConfig;
  readonly loadBalancer: WorkspaceSettings["loadBalancer"] & { readonly deletionProtection: boolean };
  /** Principals that may assume this workspace's state role. */
  readonly statePrincipals: string[];
}

export interface Environments {
  readonly project: ProjectConfig;
  readonly workspaces: WorkspaceConfig[];
}

export interface ConfigIssue {
  /** Dotted field path inside the file, e.g. `network.cidr`; empty for the file as a whole. */
  readonly field: string;
  readonly message: string;
}

/** A configuration file that cannot be used; the message names the file, each field and what would be valid. */
export class ConfigError extends Error {
  constructor(
    public readonly file: string,
    public readonly issues: ConfigIssue[],
  ) {
    super(
      `${file} is not a valid configuration:\n` +
        issues.map((i) => `  - ${i.field === "" ? "(file)" : i.field}: ${i.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Validates the contents of `environments/bootstrap.ts` and resolves its defaults. */
export function validateProject(raw: unknown, file: string): ProjectConfig {
  const settings = parse(projectSchema, raw, file);
  return {
    ...settings,
    file,
    stateBucketName: settings.stateBucket.name ?? `${settings.project}-tfstate-${settings.masterAccountId}`,
    lockTableName: settings.lockTable.name ?? `${settings.project}-tfstate-lock`,
    stateAccessPrincipals: settings.stateAccessPrincipals ?? [`arn:aws:iam::${settings.masterAccountId}:root`],
  };
}

/** Validates one workspace file on its own and resolves its defaults (AZs, subnet layout, name prefix). */
export function validateWorkspace(raw: unknown, file: string, project: ProjectConfig): WorkspaceConfig {
  const literals = findLiteralSecrets(raw);
  if (literals.length > 0) throw new ConfigError(file, literals);
  let settings: WorkspaceSettings;
  try {
    settings = parse(workspaceSchema, raw, file);
  } catch (err) {
    throw withNetworkIssues(err, raw, file);
  }
  const issues: ConfigIssue[] = [];
  const network = resolveNetwork(settings.region, settings.network, issues);
  if (RESERVED_WORKSPACE_NAMES.includes(settings.name)) {
    issues.push({
      field: "name",
      message: `"${settings.name}" is reserved for the state bootstrap stack; choose another name`,
    });
  }
  if (network) checkNetworkFitsWorkload(settings, network, issues);
  const namePrefix = settings.namePrefix ?? `${project.project}-${settings.name}`;
  if (namePrefix.length > MAX_NAME_PREFIX) {
    issues.push({
      field: "namePrefix",
      message: `"${namePrefix}" (the default <project>-<name>) is longer than ${MAX_NAME_PREFIX} characters, which AWS names built from it cannot hold; set a shorter namePrefix`,
    });
  }
  const workload = resolveWorkload(settings, namePrefix, issues);
  checkCi(settings, issues);
  checkBlueGreen(settings, namePrefix, issues);
  if (issues.length > 0 || !network) throw new ConfigError(file, issues);
  return {
    ...settings,
    file,
    namePrefix,
    stateKey: `workspaces/${settings.name}/terraform.tfstate`,
    network,
    services: workload.services,
    secrets: workload.secrets,
    database: workload.database,
    loadBalancer: { ...settings.loadBalancer, deletionProtection: workload.loadBalancerDeletionProtection },
    statePrincipals: settings.statePrincipals ?? project.stateAccessPrincipals,
  };
}

/**
 * When some other field is wrong, the network block may still be complete enough to check on its own; reporting
 * its problems too saves a round trip.
 */
function withNetworkIssues(err: unknown, raw: unknown, file: string): unknown {
  if (!(err instanceof ConfigError) || err.issues.some((i) => i.field.startsWith("network"))) return err;
  const record = raw as { network?: unknown; region?: unknown };
  const network = networkSchema.safeParse(record.network);
  if (!network.success || typeof record.region !== "string" || !KNOWN_REGIONS.includes(record.region)) return err;
  const extra: ConfigIssue[] = [];
  resolveNetwork(record.region, network.data, extra);
  return extra.length === 0 ? err : new ConfigError(file, [...err.issues, ...extra]);
}

/** Checks that need every workspace at once: unique names, peering targets and their CIDRs. */
export function validateWorkspaceSet(workspaces: WorkspaceConfig[]): void {
  const byName = new Map<string, WorkspaceConfig>();
  for (const ws of workspaces) {
    const first = byName.get(ws.name);
    if (first) {
      throw new ConfigError(ws.file, [
        {
          field: "name",
          message: `workspace "${ws.name}" is already declared in ${first.file}; every workspace needs its own name`,
        },
      ]);
    }
    byName.set(ws.name, ws);
  }
  for (const ws of workspaces) {
    const issues: ConfigIssue[] = [];
    ws.network.peerWith.forEach((peerName, index) => {
      const peer = byName.get(peerName);
      const field = `network.peerWith[${index}]`;
      if (!peer) {
        const others = [...byName.keys()].filter((n) => n !== ws.name);
        issues.push({
          field,
          message: `no workspace is named "${peerName}"; expected one of ${others.join(", ") || "(no other workspace)"}`,
        });
      } else if (peer === ws) {
        issues.push({ field, message: `a workspace cannot be peered with itself` });
      } else if (overlaps(mustParseCidr(ws.network.cidr), mustParseCidr(peer.network.cidr))) {
        issues.push({
          field: "network.cidr",
          message:
            `${ws.network.cidr} overlaps ${peer.network.cidr} of workspace "${peer.name}" (${peer.file}), ` +
            `which this VPC is to be peered with; peered VPCs need disjoint CIDRs`,
        });
      }
    });
    issues.push(...checkCiAcrossWorkspaces(ws, byName));
    if (issues.length > 0) throw new ConfigError(ws.file, issues);
  }
}

/**
 * The folder the environment files are read from: ENVIRONMENTS_DIR when set (a copy under test, or a second
 * organisation), `<root>/environments` otherwise. main.ts and every script use this, so they agree.
 */
export function defaultEnvironmentsDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(root, env.ENVIRONMENTS_DIR ?? "environments");
}

/**
 * Reads `environments/`: `bootstrap.ts` and one file per workspace, each exporting its configuration as the default
 * export. Adding a workspace is adding a file.
 */
export function loadEnvironments(dir: string, root: string = process.cwd()): Environments {
  const display = (file: string) => path.relative(root, file).split(path.sep).join("/");
  const bootstrapFile = path.join(dir, BOOTSTRAP_FILE);
  if (!fs.existsSync(bootstrapFile)) {
    throw new ConfigError(display(bootstrapFile), [
      { field: "", message: "the file is missing; it holds the project name, master account id and region" },
    ]);
  }
  const project = validateProject(readDefaultExport(bootstrapFile), display(bootstrapFile));
  const workspaceFiles = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts") && name !== BOOTSTRAP_FILE)
    .sort();
  const workspaces = workspaceFiles.map((name) => {
    const file = path.join(dir, name);
    return validateWorkspace(readDefaultExport(file), display(file), project);
  });
  validateWorkspaceSet(workspaces);
  return { project, workspaces };
}

function readDefaultExport(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { default?: unknown };
  return mod.default;
}

// ---------------------------------------------------------------------------------------------------------------

function resolveNetwork(region: string, net: NetworkSettings, issues: ConfigIssue[]): NetworkConfig | undefined {
  const regionZones = availabilityZonesOf(region);
  let zones: string[] = [];
  if (net.azCount !== undefined && net.availabilityZones !== undefined) {
    issues.push({ field: "network.azCount", message: "give either azCount or availabilityZones, not both" });
  } else if (net.availabilityZones !== undefined) {
    zones = net.availabilityZones;
    zones.forEach((zone, i) => {
      if (!regionZones.includes(zone)) {
        issues.push({
          field: `network.availabilityZones[${i}]`,
          message: `"${zone}" is not an availability zone of ${region}; expected one of ${regionZones.join(", ")}`,
        });
      } else if (zones.indexOf(zone) !== i) {
        issues.push({ field: `network.availabilityZones[${i}]`, message: `"${zone}" is listed twice` });
      }
    });
    if (zones.length < MIN_AZ_COUNT) {
      issues.push({
        field: "network.availabilityZones",
        message: `${zones.length} availability zone(s) given; at least ${MIN_AZ_COUNT} are needed (a load balancer spans two)`,
      });
    }
  } else {
    const count = net.azCount ?? DEFAULT_AZ_COUNT;
    if (count < MIN_AZ_COUNT) {
      issues.push({
        field: "network.azCount",
        message: `${count} is too few; at least ${MIN_AZ_COUNT} availability zones are needed (a load balancer spans two)`,
      });
    } else if (count > regionZones.length) {
      issues.push({
        field: "network.azCount",
        message: `${count} is more than ${region} offers; expected at most ${regionZones.length} (${regionZones.join(", ")})`,
      });
    } else {
      zones = regionZones.slice(0, count);
    }
  }

  const vpc = parseCidr(net.cidr);
  if (!vpc) return undefined; // already reported by the schema
  if (vpc.prefix < 16 || vpc.prefix > SMALLEST_SUBNET_PREFIX) {
    issues.push({
      field: "network.cidr",
      message: `/${vpc.prefix} is outside what a VPC allows; expected a prefix from /16 to /28`,
    });
    return undefined;
  }

  let subnets: SubnetLayout | undefined;
  if (net.subnets === undefined) {
    if (vpc.prefix > LARGEST_DERIVED_VPC_PREFIX) {
      issues.push({
        field: "network.cidr",
        message:
          `/${vpc.prefix} is too small for the derived subnet layout (three tiers of /${vpc.prefix + 5} subnets, and ` +
          `AWS's smallest subnet is /${SMALLEST_SUBNET_PREFIX}); use /${LARGEST_DERIVED_VPC_PREFIX} or larger, ` +
          `or give network.subnets explicitly`,
      });
    } else if (zones.length > 0 && issues.length === 0) {
      subnets = deriveSubnetLayout(vpc, zones.length);
    }
  } else {
    subnets = net.subnets;
    checkExplicitSubnets(net.cidr, net.subnets, zones.length, issues);
  }
  if (issues.length > 0 || !subnets) return undefined;
  const { azCount: _count, availabilityZones: _zones, subnets: _subnets, ...rest } = net;
  return { ...rest, availabilityZones: zones, subnets };
}

/** Limits AWS puts on what the network must carry for the services. */
function checkNetworkFitsWorkload(ws: WorkspaceSettings, network: NetworkConfig, issues: ConfigIssue[]): void {
  const publicServices = ws.services.filter((s) => s.public);
  if (publicServices.length === 0) return;
  const small = network.subnets.public.find((c) => mustParseCidr(c).prefix > MIN_ALB_SUBNET_PREFIX);
  if (small) {
    issues.push({
      field: ws.network.subnets === undefined ? "network.cidr" : "network.subnets.public",
      message:
        `public subnet ${small} is smaller than the /${MIN_ALB_SUBNET_PREFIX} a load balancer needs; ` +
        `use a VPC of /${MIN_ALB_SUBNET_PREFIX - 5} or larger (derived layout) or public subnets of /${MIN_ALB_SUBNET_PREFIX} or larger`,
    });
  }
  const zones = network.availabilityZones.length;
  const ports = [...new Set(publicServices.map((s) => s.port))];
  const quotaHint = `use fewer distinct public ports or zones, or raise the quota and this limit together`;
  if (ports.length > MAX_APP_PORTS) {
    issues.push({
      field: "services",
      message: `${ports.length} distinct public service ports; the network ACLs hold at most ${MAX_APP_PORTS}; ${quotaHint}`,
    });
    return;
  }
  const busiest = busiestNetworkAclDirection(
    networkAclRules({
      subnetCidrs: network.subnets,
      appPorts: ports,
      databasePort: ws.database ? DATABASE_ENGINES[ws.database.engine].port : DEFAULT_DATABASE_PORT,
      allowHttpsWithinApp: network.endpoints.interface,
      testListener: ws.loadBalancer.testListener,
    }),
  );
  if (busiest.count > MAX_NACL_RULES_PER_DIRECTION) {
    issues.push({
      field: "services",
      message:
        `${ports.length} public service ports across ${zones} zones need ${busiest.count} network ACL rules in one direction ` +
        `(the ${busiest.tier} tier's ${busiest.egress ? "outbound" : "inbound"} rules), above AWS's default quota of ` +
        `${MAX_NACL_RULES_PER_DIRECTION}; ${quotaHint}`,
    });
  }
}

function checkExplicitSubnets(vpcText: string, subnets: SubnetLayout, azCount: number, issues: ConfigIssue[]) {
  const vpc = mustParseCidr(vpcText);
  const seen: { field: string; text: string }[] = [];
  for (const tier of SUBNET_TIERS) {
    const list = subnets[tier];
    if (azCount > 0 && list.length !== azCount) {
      issues.push({
        field: `network.subnets.${tier}`,
        message: `${list.length} subnet(s) given for ${azCount} availability zones; expected exactly one per zone`,
      });
    }
    list.forEach((text, i) => {
      const field = `network.subnets.${tier}[${i}]`;
      const cidr = mustParseCidr(text);
      if (!contains(vpc, cidr)) {
        issues.push({ field, message: `${text} is outside the VPC ${vpcText}; expected a block inside it` });
        return;
      }
      if (cidr.prefix > SMALLEST_SUBNET_PREFIX) {
        issues.push({
          field,
          message: `${text} is smaller than AWS allows; expected /${SMALLEST_SUBNET_PREFIX} or larger`,
        });
        return;
      }
      const clash = seen.find((other) => overlaps(mustParseCidr(other.text), cidr));
      if (clash) {
        issues.push({ field, message: `${text} overlaps ${clash.text} (${clash.field}); subnets must be disjoint` });
      }
      seen.push({ field, text });
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Turning zod's issues into messages that name the field and what would be valid
// ---------------------------------------------------------------------------------------------------------------

function parse<S extends z.ZodType>(schema: S, raw: unknown, file: string): z.output<S> {
  if (raw === undefined || raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(file, [
      {
        field: "",
        message: "the file has no configuration object as its default export; expected `export default { ... }`",
      },
    ]);
  }
  const result = schema.safeParse(raw, { error: describeIssue });
  if (result.success) return result.data;
  throw new ConfigError(
    file,
    result.error.issues.map((issue) => {
      const field = formatPath(issue.path);
      if (issue.code === "invalid_key") {
        return { field, message: issue.issues.map((i) => i.message).join("; ") };
      }
      if (issue.code === "unrecognized_keys") {
        const known = fieldsAt(schema, issue.path);
        return {
          field: formatPath([...issue.path, issue.keys[0]]),
          message: `unknown field${issue.keys.length > 1 ? `s ${issue.keys.join(", ")}` : ""}; valid fields here: ${known.join(", ")}`,
        };
      }
      return { field, message: issue.message };
    }),
  );
}

function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      const expected = (issue.inst && FIELD_HINTS.get(issue.inst)) ?? issue.expected;
      return issue.input === undefined
        ? `is required; expected ${expected}`
        : `expected ${expected}, got ${Array.isArray(issue.input) ? "array" : typeof issue.input} ${JSON.stringify(issue.input)}`;
    }
    case "invalid_union": {
      const hint = issue.inst && FIELD_HINTS.get(issue.inst);
      return hint ? `expected ${hint}, got ${JSON.stringify(issue.input)}` : undefined;
    }
    case "invalid_value":
      return `${JSON.stringify(issue.input)} is not allowed; expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `${JSON.stringify(issue.input)} is too small; expected at least ${String(issue.minimum)}${issue.origin === "array" ? " entries" : ""}`;
    case "too_big":
      return `${JSON.stringify(issue.input)} is too big; expected at most ${String(issue.maximum)}`;
    default:
      return undefined;
  }
}

function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((out, seg) => {
    if (typeof seg === "number") return `${out}[${seg}]`;
    const name = String(seg);
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `${out}[${JSON.stringify(name)}]`;
    return out === "" ? name : `${out}.${name}`;
  }, "");
}

/** The field names a strict object schema accepts at `fieldPath`, for "unknown field" messages. */
function fieldsAt(schema: z.ZodType, fieldPath: readonly PropertyKey[]): string[] {
  let node: z.core.$ZodType | undefined = unwrap(schema);
  for (const seg of fieldPath) {
    if (!node) return [];
    const def = node._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    node = unwrap(typeof seg === "number" ? def.element : def.shape?.[String(seg)]);
  }
  const shape = (node?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(node: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let current = node;
  while (current && "innerType" in current._zod.def) {
    current = (current._zod.def as { innerType: z.core.$ZodType }).innerType;
  }
  return current;
}
