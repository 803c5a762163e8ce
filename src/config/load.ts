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
import { MIN_ALB_SUBNET_PREFIX } from "../aws-limits";
import { busiestNetworkAclDirection, networkAclRules } from "../constructs/network-acl-rules";
import { DATABASE_ENGINES, DEFAULT_DATABASE_PORT } from "../constructs/database-engines";
import { parseArn } from "./aws-syntax";
import { checkBlueGreen } from "./blue-green";
import { checkCi, checkCiAcrossWorkspaces } from "./ci";
import { ENVIRONMENT_EXTENSION, listEnvironmentFiles, loadModule, refusedFileIssue } from "./files";
import { findLiteralSecrets } from "./literal-secrets";
import { checkQuotas, checkSharedQuotas, quotaText } from "./quotas";
import { DatabaseConfig, resolveWorkload, SecretConfig, ServiceConfig } from "./workload";
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
/** The network ACLs number the test listener's rules 130-139 (src/constructs/network-acl-rules.ts). */
const MAX_TEST_LISTENER_CIDRS = 10;
/** Load balancer names (`<prefix>-alb`) are limited to 32 characters. */
export const MAX_NAME_PREFIX = 24;

export interface ProjectConfig extends ProjectSettings {
  /** The file this came from, relative to the project root. */
  readonly file: string;
  readonly stateBucketName: string;
  /** The bucket the state bucket's server access logs go to. */
  readonly stateLogBucketName: string;
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

/**
 * A configuration file that cannot be used; the message names the file, each field and what would be valid. When
 * several files are wrong, one ConfigError carries them all ({@link ConfigError.combine}): `file` and `issues` are
 * the first file's, `errors` has one entry per file and the message lists every file.
 */
export class ConfigError extends Error {
  /** One error per file, in the order the files were read; `[this]` for a single file. */
  public readonly errors: readonly ConfigError[];

  constructor(
    public readonly file: string,
    public readonly issues: ConfigIssue[],
  ) {
    super(
      `${file} is not a valid configuration:\n` +
        issues.map((i) => `  - ${i.field === "" ? "(file)" : i.field}: ${i.message}`).join("\n"),
    );
    this.name = "ConfigError";
    this.errors = [this];
  }

  /** One error for several files; its message is each file's message, a blank line apart. */
  static combine(errors: readonly ConfigError[]): ConfigError {
    const files = errors.flatMap((e) => e.errors);
    if (files.length === 1) return files[0];
    const combined = new ConfigError(files[0].file, files[0].issues);
    combined.message = files.map((e) => e.message).join("\n\n");
    (combined as { errors: readonly ConfigError[] }).errors = files;
    return combined;
  }
}

/** Validates the contents of `environments/bootstrap.ts` and resolves its defaults. */
export function validateProject(raw: unknown, file: string): ProjectConfig {
  const literals = findLiteralSecrets(raw);
  if (literals.length > 0) throw new ConfigError(file, literals);
  const settings = parse(projectSchema, raw, file);
  return {
    ...settings,
    file,
    stateBucketName: settings.stateBucket.name ?? `${settings.project}-tfstate-${settings.masterAccountId}`,
    stateLogBucketName: `${settings.project}-tfstate-logs-${settings.masterAccountId}`,
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
  if (network) {
    checkNetworkFitsWorkload(settings, network, issues);
    checkQuotas(settings, network.availabilityZones.length, issues);
  }
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
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return err;
  const record = raw as { network?: unknown; region?: unknown };
  const network = networkSchema.safeParse(record.network);
  if (!network.success || typeof record.region !== "string" || !KNOWN_REGIONS.includes(record.region)) return err;
  const extra: ConfigIssue[] = [];
  resolveNetwork(record.region, network.data, extra);
  return extra.length === 0 ? err : new ConfigError(file, [...err.issues, ...extra]);
}

/**
 * Checks that need every workspace at once: unique names, peering targets and their CIDRs, one account per
 * workspace (and none in the master account) unless a file waives it, name prefixes unique within an account, task
 * policies that stay out of the other workspaces' accounts, and the quotas workspaces sharing an account draw on
 * together. Every file with a problem is reported, each with all of its issues.
 */
export function validateWorkspaceSet(workspaces: WorkspaceConfig[], project?: ProjectConfig): void {
  const byName = new Map<string, WorkspaceConfig>();
  const errors: ConfigError[] = [];
  for (const ws of workspaces) {
    const first = byName.get(ws.name);
    if (first) {
      errors.push(
        new ConfigError(ws.file, [
          {
            field: "name",
            message: `workspace "${ws.name}" is already declared in ${first.file}; every workspace needs its own name`,
          },
        ]),
      );
    } else {
      byName.set(ws.name, ws);
    }
  }
  if (errors.length > 0) throw ConfigError.combine(errors);

  const sharedQuotas = checkSharedQuotas(workspaces);
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
    checkAccountIsolation(ws, workspaces, project, issues);
    issues.push(...(sharedQuotas.get(ws.file) ?? []));
    if (issues.length > 0) errors.push(new ConfigError(ws.file, issues));
  }
  if (errors.length > 0) throw ConfigError.combine(errors);
}

/**
 * Each workspace in an account of its own, none in the master account that holds every workspace's state: the
 * account is the boundary of IAM, quotas and blast radius. A file may waive this with a reason; even then two
 * workspaces in one account need different name prefixes, or their IAM roles and other names would collide.
 */
function checkAccountIsolation(
  ws: WorkspaceConfig,
  workspaces: WorkspaceConfig[],
  project: ProjectConfig | undefined,
  issues: ConfigIssue[],
): void {
  const others = workspaces.filter((other) => other !== ws && other.accountId === ws.accountId);
  const waiverHint = "give the workspace an account of its own, or set sharedAccountWaiver to the reason it shares one";
  if (!ws.sharedAccountWaiver) {
    if (others.length > 0) {
      const names = others.map((o) => `"${o.name}" (${o.file})`).join(", ");
      issues.push({
        field: "accountId",
        message: `"${ws.accountId}" is also the account of workspace ${names}; workspaces that share an account share its IAM, quotas and mistakes; ${waiverHint}`,
      });
    }
    if (project && ws.accountId === project.masterAccountId) {
      issues.push({
        field: "accountId",
        message: `"${ws.accountId}" is the master account (masterAccountId in ${project.file}), which holds every workspace's Terraform state; ${waiverHint}`,
      });
    }
  }
  const samePrefix = others.find((o) => o.namePrefix === ws.namePrefix);
  if (samePrefix) {
    issues.push({
      field: "namePrefix",
      message: `"${ws.namePrefix}" is also the name prefix of workspace "${samePrefix.name}" (${samePrefix.file}) in the same account, so their roles, log groups and other names would collide; give each its own namePrefix`,
    });
  }

  // A task policy that names a resource in another workspace's account (or the master account) reaches across the
  // boundary the accounts draw.
  const foreign = new Map<string, string>();
  for (const other of workspaces) {
    if (other.accountId !== ws.accountId) foreign.set(other.accountId, `workspace "${other.name}"'s (${other.file})`);
  }
  if (project && project.masterAccountId !== ws.accountId) {
    foreign.set(project.masterAccountId, `the master account's, which holds the Terraform state (${project.file})`);
  }
  ws.services.forEach((svc, i) =>
    svc.taskPolicy.forEach((statement, j) =>
      statement.resources.forEach((resource, k) => {
        const owner = foreign.get(parseArn(resource)?.account ?? "");
        if (!owner) return;
        issues.push({
          field: `services[${i}].taskPolicy[${j}].resources[${k}]`,
          message: `"${resource}" is in account ${parseArn(resource)!.account}, ${owner}; a workspace's tasks must not reach another workspace's account; name a resource of account ${ws.accountId}`,
        });
      }),
    ),
  );
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
 * export. Adding a workspace is adding a file named after it. Every file is checked before anything is returned, and
 * the ConfigError thrown names every file that is wrong (see files.ts for which files are read).
 */
export function loadEnvironments(folder: string, root: string = process.cwd()): Environments {
  // A relative folder is taken from the working directory (require() would take "environments/x.ts" for a package).
  const dir = path.resolve(folder);
  const display = (file: string) => path.relative(root, file).split(path.sep).join("/");
  const bootstrapFile = path.join(dir, BOOTSTRAP_FILE);
  if (!fs.existsSync(bootstrapFile)) {
    const noFolder = fs.existsSync(dir) ? "" : ` (the folder ${display(dir)} does not exist either)`;
    throw new ConfigError(display(bootstrapFile), [
      { field: "", message: `the file is missing${noFolder}; it holds the project name, master account id and region` },
    ]);
  }
  const files = listEnvironmentFiles(dir);
  const errors = files.refused.map((file) => new ConfigError(display(file), [refusedFileIssue(file)]));
  const attempt = <T>(run: () => T): T | undefined => {
    try {
      return run();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      errors.push(err);
      return undefined;
    }
  };

  const shownBootstrap = display(bootstrapFile);
  const project = attempt(() => validateProject(readEnvironmentFile(bootstrapFile, shownBootstrap), shownBootstrap));
  if (!project) throw ConfigError.combine(errors);
  const workspaces = files.environments
    .filter((file) => path.basename(file) !== BOOTSTRAP_FILE)
    .map((file) => attempt(() => validateWorkspaceFile(file, display(file), project)))
    .filter((ws): ws is WorkspaceConfig => ws !== undefined);
  if (errors.length > 0) throw ConfigError.combine(errors);
  validateWorkspaceSet(workspaces, project);
  return { project, workspaces };
}

/** The default export of an environment file; a file that does not load or exports no default is a ConfigError. */
function readEnvironmentFile(file: string, shown: string): unknown {
  const loaded = loadModule(file, shown);
  if (!loaded.ok) throw new ConfigError(shown, [loaded.issue]);
  return loaded.value;
}

/** A workspace file: its contents, and a name that matches the file's, reported together. */
function validateWorkspaceFile(file: string, shown: string, project: ProjectConfig): WorkspaceConfig {
  const raw = readEnvironmentFile(file, shown);
  const expected = path.basename(file, ENVIRONMENT_EXTENSION);
  const name = (raw as { name?: unknown } | null)?.name;
  const nameIssues: ConfigIssue[] =
    typeof name === "string" && name !== expected
      ? [
          {
            field: "name",
            message: `"${name}" differs from the file name ${expected}${ENVIRONMENT_EXTENSION}; a workspace file is named after its workspace: rename the file to ${name}${ENVIRONMENT_EXTENSION}, or set name: "${expected}"`,
          },
        ]
      : [];
  try {
    const ws = validateWorkspace(raw, shown, project);
    if (nameIssues.length > 0) throw new ConfigError(shown, nameIssues);
    return ws;
  } catch (err) {
    if (!(err instanceof ConfigError) || nameIssues.length === 0 || err.issues === nameIssues) throw err;
    throw new ConfigError(shown, [...nameIssues, ...err.issues]);
  }
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
  // More test listener CIDRs than the load balancer takes is reported by checkBlueGreen, once.
  if ((ws.loadBalancer.testListener?.allowedCidrs.length ?? 0) > MAX_TEST_LISTENER_CIDRS) return;
  const busiest = busiestNetworkAclDirection(
    networkAclRules({
      subnetCidrs: network.subnets,
      appPorts: ports,
      databasePort: ws.database ? DATABASE_ENGINES[ws.database.engine].port : DEFAULT_DATABASE_PORT,
      allowHttpsWithinApp: network.endpoints.interface,
      testListener: ws.loadBalancer.testListener,
    }),
  );
  if (busiest.count > ws.quotas.networkAclRulesPerDirection) {
    const { above, raise } = quotaText("networkAclRulesPerDirection", ws.quotas);
    issues.push({
      field: "services",
      message:
        `${ports.length} distinct public service ports across ${zones} zones need ${busiest.count} network ACL rules in ` +
        `one direction (the ${busiest.tier} tier's ${busiest.egress ? "outbound" : "inbound"} rules: one per distinct ` +
        `port, more when a tier's subnets share no CIDR block free of the other tiers), ${above}; ` +
        `let services share ports (each task has its own address), ${raise}`,
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
  if (raw === undefined) {
    throw new ConfigError(file, [
      {
        field: "",
        message: "the file has no configuration object as its default export; expected `export default { ... }`",
      },
    ]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    const kind = raw === null ? "null" : Array.isArray(raw) ? "an array" : `a ${typeof raw}`;
    const hint = typeof raw === "function" ? " (export the object itself, not a function that returns it)" : "";
    throw new ConfigError(file, [
      {
        field: "",
        message: `the default export is ${kind}, not a configuration object${hint}; expected \`export default { ... }\` with one object`,
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
