import {
  FARGATE_SIZES,
  MAX_BACKUP_RETENTION_DAYS,
  MAX_RULE_CONDITION_VALUES,
  MAX_TARGET_GROUP_NAME,
  MIN_BACKUP_RETENTION_DAYS,
} from "../aws-limits";
import { DATABASE_ENGINES, majorVersionOf, parameterGroupFamily } from "../constructs/database-engines";
import { targetGroupName } from "../naming";
import {
  dailyWindow,
  databaseNameProblem,
  masterUsernameProblem,
  parseArn,
  partitionOf,
  resourceArnProblem,
  weeklyWindow,
  windowLengthProblem,
  windowsOverlap,
} from "./aws-syntax";
import { minorVersionProblem, newestMinorVersion } from "./engine-versions";
import { EC2_INSTANCE_TYPES, taskCapacityOf } from "./instance-types";
import { DatabaseSettings, DB_INSTANCE_CLASSES, SecretSettings, ServiceSettings, WorkspaceSettings } from "./schema";

/**
 * Checks and defaults for what runs in a workspace (services, secrets, database), which need several fields at once.
 * Each problem is reported with the field path inside the environment file and what would be valid.
 */

export interface Issue {
  readonly field: string;
  readonly message: string;
}

/**
 * The timeout of the load balancer's health check of a service's tasks, which src/constructs/container-service.ts
 * sets (a test synthesizes a service and compares). AWS requires a health check's interval to be longer than it.
 */
export const TARGET_HEALTH_CHECK_TIMEOUT_SECONDS = 5;
/** ECS runs a container health check's command directly ("CMD") or through the container's shell ("CMD-SHELL"). */
export const CONTAINER_HEALTH_CHECK_PREFIXES = ["CMD", "CMD-SHELL"] as const;

/** Parameters the stack publishes for the database, readable as `{ parameter: "database/<NAME>" }`. */
export const DATABASE_PARAMETERS = ["HOST", "PORT", "NAME", "ENGINE"] as const;
/** Parameter each service gets for its deployed image tag (written by the deploy step). */
export const IMAGE_TAG_PARAMETER = "IMAGE_TAG";
/** Service names that would collide with the names of other components (parameter paths, log groups, roles). */
export const RESERVED_SERVICE_NAMES: Readonly<Record<string, string>> = {
  database: "the database's parameters under /<project>/<workspace>/database/",
  maintenance: "the maintenance task's log group, roles and security group",
};

export interface ServiceConfig extends ServiceSettings {
  /** Listener rule priority, resolved. */
  readonly priority: number;
}

export interface SecretConfig extends SecretSettings {
  /** Environment variable a provided value is read from, resolved. */
  readonly envVar: string;
}

export interface DatabaseConfig extends Omit<
  DatabaseSettings,
  | "multiAz"
  | "deletionProtection"
  | "backupRetentionDays"
  | "finalSnapshot"
  | "performanceInsights"
  | "monitoringIntervalSeconds"
> {
  readonly multiAz: boolean;
  readonly deletionProtection: boolean;
  readonly backupRetentionDays: number;
  readonly finalSnapshot: boolean;
  readonly performanceInsights: boolean;
  readonly monitoringIntervalSeconds: number;
  readonly port: number;
  /** Parameter group family, e.g. "postgres16" or "mysql8.0". */
  readonly family: string;
  readonly logExports: string[];
}

export interface Workload {
  readonly services: ServiceConfig[];
  readonly secrets: SecretConfig[];
  readonly database?: DatabaseConfig;
  readonly loadBalancerDeletionProtection: boolean;
}

export function resolveWorkload(ws: WorkspaceSettings, namePrefix: string, issues: Issue[]): Workload {
  const services = ws.services.map((svc, i) => ({ ...svc, priority: svc.priority ?? 10 * (i + 1) }));
  const secrets = ws.secrets.map((s) => ({
    ...s,
    envVar: s.envVar ?? `SECRET_${s.name.toUpperCase().replace(/-/g, "_")}`,
  }));
  checkServices(ws, services, namePrefix, issues);
  checkEc2Capacity(ws, issues);
  checkCertificate(ws, issues);
  checkEgress(ws, issues);
  if (ws.cluster.maintenanceTask?.enabled && !ws.cluster.execEnabled) {
    issues.push({
      field: "cluster.maintenanceTask.enabled",
      message: "the maintenance task is reached through ECS Exec; set cluster.execEnabled to true or disable the task",
    });
  }
  checkSecrets(ws, secrets, issues);
  const database = ws.database ? resolveDatabase(ws.database, ws.production, issues) : undefined;
  return {
    services,
    secrets,
    database,
    loadBalancerDeletionProtection: ws.loadBalancer.deletionProtection ?? ws.production,
  };
}

function checkServices(ws: WorkspaceSettings, services: ServiceConfig[], namePrefix: string, issues: Issue[]): void {
  const at = (i: number, field: string) => `services[${i}]${field ? `.${field}` : ""}`;
  const zone = ws.dns?.zoneName;

  services.forEach((svc, i) => {
    const first = services.findIndex((other) => other.name === svc.name);
    if (first !== i)
      issues.push({
        field: at(i, "name"),
        message: `"${svc.name}" is already the name of services[${first}]; service names must be unique`,
      });
    // Services may share a port: each task has its own network interface (awsvpc), and target groups, listener
    // rules and security group rules are per service.
    const samePriority = services.findIndex((other) => other.public && other.priority === svc.priority);
    if (svc.public && samePriority !== i) {
      issues.push({
        field: at(i, "priority"),
        message: `${svc.priority} is already the listener priority of services[${samePriority}]; priorities must be unique`,
      });
    }
    if (svc.name in RESERVED_SERVICE_NAMES) {
      issues.push({
        field: at(i, "name"),
        message: `"${svc.name}" is reserved: its names would collide with ${RESERVED_SERVICE_NAMES[svc.name]}; choose another name`,
      });
    }
    const groupName = targetGroupName(namePrefix, svc.name, svc.port);
    if (svc.public && groupName.length > MAX_TARGET_GROUP_NAME) {
      issues.push({
        field: at(i, "name"),
        message: `"${groupName}" (the target group name: prefix, service, port) is longer than the ${MAX_TARGET_GROUP_NAME} characters AWS allows; shorten the service name or namePrefix`,
      });
    }

    const memories = FARGATE_SIZES[svc.cpu];
    if (!memories) {
      issues.push({
        field: at(i, "cpu"),
        message: `${svc.cpu} CPU units is not a Fargate size; expected one of ${Object.keys(FARGATE_SIZES).join(", ")}`,
      });
    } else if (!memories.includes(svc.memory)) {
      issues.push({
        field: at(i, "memory"),
        message: `${svc.memory} MiB is not offered by Fargate with ${svc.cpu} CPU units; expected one of ${memories.join(", ")}`,
      });
    }

    const { min, max } = svc.autoscaling;
    if (min > max)
      issues.push({
        field: at(i, "autoscaling.min"),
        message: `${min} is above autoscaling.max (${max}); expected min <= max`,
      });
    if (svc.desiredCount < min || svc.desiredCount > max) {
      issues.push({
        field: at(i, "desiredCount"),
        message: `${svc.desiredCount} is outside the autoscaling range ${min}-${max}; expected a count within it`,
      });
    }
    checkHealthChecks(svc, (field) => at(i, field), issues);
    checkDeployment(svc, (field) => at(i, field), issues);
    if (svc.capacity === "ec2" && !ws.cluster.ec2) {
      issues.push({
        field: at(i, "capacity"),
        message: `"ec2" needs EC2 capacity in the cluster; add cluster.ec2 or use "fargate"`,
      });
    }

    if (svc.hosts.length + svc.paths.length > MAX_RULE_CONDITION_VALUES) {
      issues.push({
        field: at(i, "hosts"),
        message: `${svc.hosts.length} hosts and ${svc.paths.length} paths exceed the ${MAX_RULE_CONDITION_VALUES} values one listener rule can match; expected at most ${MAX_RULE_CONDITION_VALUES} together`,
      });
    }
    svc.taskPolicy.forEach((statement, j) => {
      const wildcard = statement.actions.find((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a));
      if (wildcard) {
        issues.push({
          field: at(i, `taskPolicy[${j}].actions`),
          message: `"${wildcard}" grants every action of a service; list the actions the application needs, e.g. "s3:GetObject"`,
        });
      }
      const iamOnAnything = statement.resources.includes("*") && statement.actions.some((a) => /^iam:/i.test(a));
      if (iamOnAnything) {
        issues.push({
          field: at(i, `taskPolicy[${j}].resources`),
          message: `IAM actions on "*" let the application escalate its own rights; name the role or policy ARNs instead`,
        });
      }
      const assumeAnything =
        statement.resources.includes("*") && statement.actions.some((a) => /^sts:AssumeRole/i.test(a));
      if (assumeAnything) {
        issues.push({
          field: at(i, `taskPolicy[${j}].resources`),
          message: `sts:AssumeRole on "*" lets the application take any role that trusts this account; name the role ARNs instead`,
        });
      }
      statement.resources.forEach((resource, k) => {
        const problem = resourceArnProblem(resource, ws.region);
        if (problem) issues.push({ field: at(i, `taskPolicy[${j}].resources[${k}]`), message: problem });
      });
    });
    if (svc.public) {
      if (svc.hosts.length === 0 && svc.paths.length === 0) {
        issues.push({
          field: at(i, "hosts"),
          message: `a public service needs at least one host name or path pattern to answer on`,
        });
      }
      if (!ws.dns) {
        issues.push({
          field: at(i, "public"),
          message: `a public service needs dns.zoneName (its HTTPS certificate and host names live there); add dns or set public: false`,
        });
      }
    } else if (svc.hosts.length > 0 || svc.paths.length > 0) {
      issues.push({
        field: at(i, "hosts"),
        message: `an internal service (public: false) receives no traffic, so hosts and paths would be ignored; remove them or set public: true`,
      });
    }
    svc.hosts.forEach((host, j) => {
      if (zone && host !== zone && !host.endsWith(`.${zone}`)) {
        issues.push({
          field: at(i, `hosts[${j}]`),
          message: `"${host}" is outside the workspace's DNS zone ${zone}; expected ${zone} or a name ending in .${zone}`,
        });
      } else if (zone && !ws.dns?.certificateArn && host !== zone && host.slice(0, -zone.length - 1).includes(".")) {
        issues.push({
          field: at(i, `hosts[${j}]`),
          message:
            `"${host}" is more than one level below ${zone}, which the certificate (${zone} and *.${zone}) does not cover; ` +
            `use a name like "app.${zone}" or give dns.certificateArn`,
        });
      }
    });

    // Two public services answering on the same host and path would make one of them unreachable.
    services.slice(0, i).forEach((other, k) => {
      if (!svc.public || !other.public) return;
      const hostsMeet =
        svc.hosts.length === 0 || other.hosts.length === 0 || svc.hosts.some((h) => other.hosts.includes(h));
      const samePaths = svc.paths.length === other.paths.length && svc.paths.every((p) => other.paths.includes(p));
      if (hostsMeet && samePaths) {
        issues.push({
          field: at(i, "hosts"),
          message: `answers on the same host and path as services[${k}] (${other.name}); give the services different host names or path patterns`,
        });
      }
    });

    if (IMAGE_TAG_PARAMETER in svc.parameters) {
      issues.push({
        field: at(i, `parameters.${IMAGE_TAG_PARAMETER}`),
        message: `${IMAGE_TAG_PARAMETER} is reserved: the stack keeps the deployed image tag there (set initialImageTag instead)`,
      });
    }
    Object.entries(svc.secrets).forEach(([envName, ref]) => {
      const field = at(i, `secrets.${envName}`);
      if ("secret" in ref) {
        const declared = ws.secrets.find((s) => s.name === ref.secret);
        if (!declared) {
          issues.push({
            field: `${field}.secret`,
            message: `"${ref.secret}" is not declared in secrets; expected one of ${ws.secrets.map((s) => s.name).join(", ") || "(none declared)"}`,
          });
        } else if (!declared.readers.includes(svc.name)) {
          issues.push({
            field: `${field}.secret`,
            message: `secret "${ref.secret}" does not list "${svc.name}" in its readers; add it there`,
          });
        } else if (ref.key !== undefined && declared.source === "generated") {
          issues.push({
            field: `${field}.key`,
            message: `secret "${ref.secret}" is generated as a plain string, so it has no JSON key "${ref.key}"; remove key (or make it a provided secret whose value is JSON)`,
          });
        }
      } else if ("parameter" in ref) {
        const problem = parameterProblem(ref.parameter, svc, ws);
        if (problem) issues.push({ field: `${field}.parameter`, message: problem });
      } else if (!ws.database) {
        issues.push({
          field: `${field}.databaseSecret`,
          message: `there is no database in this workspace; add a database block or remove the reference`,
        });
      }
    });
  });
}

/** AWS's rules between a service's health check settings. */
function checkHealthChecks(svc: ServiceSettings, at: (field: string) => string, issues: Issue[]): void {
  const timeout = TARGET_HEALTH_CHECK_TIMEOUT_SECONDS;
  if (svc.public && svc.healthCheck.intervalSeconds <= timeout) {
    issues.push({
      field: at("healthCheck.intervalSeconds"),
      message:
        `${svc.healthCheck.intervalSeconds} is not longer than the load balancer's ${timeout}-second health check ` +
        `timeout, and AWS requires the interval to be; expected ${timeout + 1} to 300`,
    });
  }
  const container = svc.containerHealthCheck;
  if (!container) return;
  if (container.timeoutSeconds >= container.intervalSeconds) {
    issues.push({
      field: at("containerHealthCheck.timeoutSeconds"),
      message:
        `${container.timeoutSeconds} is not shorter than intervalSeconds (${container.intervalSeconds}): one check ` +
        `would still run when the next is due; expected a timeout below the interval, e.g. 5 with 30`,
    });
  }
  const first = container.command[0];
  if (!(CONTAINER_HEALTH_CHECK_PREFIXES as readonly string[]).includes(first)) {
    issues.push({
      field: at("containerHealthCheck.command[0]"),
      message:
        `${JSON.stringify(first)} is not how ECS starts a health check; expected "CMD" (run the rest directly) or ` +
        `"CMD-SHELL" (run it in the shell), e.g. ["CMD-SHELL", "curl -f http://localhost:${svc.port}/health || exit 1"]`,
    });
  }
}

/**
 * A rolling deployment of N tasks may run at most floor(N * maximumPercent / 100) tasks and must keep
 * ceil(N * minimumHealthyPercent / 100) running; with neither room to start a new task nor to stop an old one, ECS
 * never starts the rollout. Checked for every task count autoscaling may reach.
 */
function checkDeployment(svc: ServiceSettings, at: (field: string) => string, issues: Issue[]): void {
  const { minimumHealthyPercent: minPct, maximumPercent: maxPct } = svc.deployment;
  const counts = new Set<number>();
  for (let n = Math.max(1, svc.autoscaling.min); n <= svc.autoscaling.max; n++) counts.add(n);
  if (svc.desiredCount > 0) counts.add(svc.desiredCount);
  const stuck = [...counts]
    .sort((a, b) => a - b)
    .find((n) => Math.floor((n * maxPct) / 100) <= n && Math.ceil((n * minPct) / 100) >= n);
  if (stuck === undefined) return;
  const tasks = `${stuck} task${stuck === 1 ? "" : "s"}`;
  issues.push({
    field: at("deployment.maximumPercent"),
    message:
      `with minimumHealthyPercent ${minPct} and maximumPercent ${maxPct}, a rollout of ${tasks} can neither start a ` +
      `new task (at most ${Math.floor((stuck * maxPct) / 100)} may run) nor stop an old one (${Math.ceil((stuck * minPct) / 100)} ` +
      `must stay), so it never starts; raise maximumPercent (e.g. 200) or lower minimumHealthyPercent`,
  });
}

/** EC2 capacity: a sane size range, and every service placed on it fits on one instance. */
function checkEc2Capacity(ws: WorkspaceSettings, issues: Issue[]): void {
  const ec2 = ws.cluster.ec2;
  if (!ec2) return;
  if (ec2.minSize > ec2.maxSize) {
    issues.push({
      field: "cluster.ec2.minSize",
      message: `${ec2.minSize} is above maxSize (${ec2.maxSize}); expected minSize <= maxSize`,
    });
  }
  const size = EC2_INSTANCE_TYPES[ec2.instanceType];
  if (!size) return; // already reported by the schema
  const capacity = taskCapacityOf(size);
  const fits = (t: string) => {
    const c = taskCapacityOf(EC2_INSTANCE_TYPES[t]);
    return (svc: ServiceSettings) => svc.cpu <= c.cpuUnits && svc.memory <= c.memoryMiB;
  };
  const family = ec2.instanceType.split(".")[0];
  ws.services.forEach((svc, i) => {
    if (svc.capacity !== "ec2") return;
    const larger = Object.keys(EC2_INSTANCE_TYPES).find((t) => t.startsWith(`${family}.`) && fits(t)(svc));
    const fix = larger
      ? `use a larger cluster.ec2.instanceType (e.g. "${larger}") or a smaller task`
      : "use a larger cluster.ec2.instanceType or a smaller task";
    if (svc.cpu > capacity.cpuUnits) {
      issues.push({
        field: `services[${i}].cpu`,
        message: `${svc.cpu} CPU units do not fit on one ${ec2.instanceType} container instance, which has ${capacity.cpuUnits} (${size.vcpus} vCPUs); ${fix}`,
      });
    }
    if (svc.memory > capacity.memoryMiB) {
      issues.push({
        field: `services[${i}].memory`,
        message:
          `${svc.memory} MiB does not fit on one ${ec2.instanceType} container instance, which offers tasks ` +
          `${capacity.memoryMiB} MiB (${size.memoryMiB} MiB installed, less what the system and the ECS agent keep); ${fix}`,
      });
    }
  });
}

/** An existing certificate must live where the load balancer does: same account, same region. */
function checkCertificate(ws: WorkspaceSettings, issues: Issue[]): void {
  const arnText = ws.dns?.certificateArn;
  if (!arnText) return;
  const arn = parseArn(arnText);
  if (!arn) return; // already reported by the schema
  const field = "dns.certificateArn";
  if (arn.partition !== partitionOf(ws.region)) {
    issues.push({
      field,
      message: `the certificate is in partition "${arn.partition}"; ${ws.region} is in "${partitionOf(ws.region)}"`,
    });
  }
  if (arn.region !== ws.region) {
    issues.push({
      field,
      message:
        `the certificate is in ${arn.region}, but the load balancer is in ${ws.region} and can only use a certificate ` +
        `of its own region; request or import it in ${ws.region} (or leave certificateArn out to have one issued)`,
    });
  }
  if (arn.account !== ws.accountId) {
    issues.push({
      field,
      message:
        `the certificate belongs to account ${arn.account}, not to this workspace's account ${ws.accountId}; a load ` +
        `balancer can only use a certificate of its own account (ACM certificates cannot be shared)`,
    });
  }
}

/** Tasks must be able to reach ECR, logs and secrets: through NAT, or through interface endpoints. */
function checkEgress(ws: WorkspaceSettings, issues: Issue[]): void {
  if (ws.network.natGateways !== "none" || ws.services.length === 0) return;
  if (!ws.network.endpoints.interface) {
    issues.push({
      field: "network.natGateways",
      message:
        '"none" leaves the tasks no way to pull images, write logs or read secrets; set natGateways to "single" or ' +
        '"one-per-az", or turn on network.endpoints.interface',
    });
  }
  if (ws.cluster.ec2) {
    issues.push({
      field: "network.natGateways",
      message:
        '"none" leaves EC2 container instances no way to reach the ECS agent endpoints; use "single" or "one-per-az" with cluster.ec2',
    });
  }
  if (ws.cluster.maintenanceTask?.enabled) {
    issues.push({
      field: "network.natGateways",
      message:
        '"none" leaves the maintenance task no way to pull its public image; use "single" or "one-per-az", or disable the task',
    });
  }
}

function parameterProblem(reference: string, svc: ServiceSettings, ws: WorkspaceSettings): string | undefined {
  const parts = reference.split("/");
  if (parts.length === 1) {
    if (reference === IMAGE_TAG_PARAMETER || reference in svc.parameters) return undefined;
    return `"${reference}" is not a parameter of ${svc.name}; expected one of ${Object.keys(svc.parameters).join(", ") || "(none declared)"}, or "<component>/NAME"`;
  }
  if (parts.length !== 2)
    return `"${reference}" is outside the path scheme; expected NAME or <component>/NAME, e.g. "database/HOST"`;
  const [component, name] = parts;
  if (component === "database") {
    if (!ws.database)
      return `there is no database in this workspace, so "${reference}" does not exist; add a database block or remove the reference`;
    return (DATABASE_PARAMETERS as readonly string[]).includes(name)
      ? undefined
      : `"${name}" is not published for the database; expected one of ${DATABASE_PARAMETERS.join(", ")}`;
  }
  const owner = ws.services.find((s) => s.name === component);
  if (!owner) {
    const components = unique(["database", ...ws.services.map((s) => s.name)]);
    return `"${component}" is neither "database" nor a service of this workspace; expected one of ${components.join(", ")}`;
  }
  return name in owner.parameters || name === IMAGE_TAG_PARAMETER
    ? undefined
    : `"${name}" is not a parameter of ${component}; expected one of ${Object.keys(owner.parameters).join(", ") || "(none declared)"}`;
}

function checkSecrets(ws: WorkspaceSettings, secrets: SecretConfig[], issues: Issue[]): void {
  secrets.forEach((secret, i) => {
    const first = secrets.findIndex((s) => s.name === secret.name);
    if (first !== i) {
      issues.push({
        field: `secrets[${i}].name`,
        message: `"${secret.name}" is already declared as secrets[${first}]; secret names must be unique`,
      });
    }
    const sameVar = secrets.findIndex((s) => s.source === "provided" && s.envVar === secret.envVar);
    if (secret.source === "provided" && sameVar !== i) {
      issues.push({
        field: `secrets[${i}].envVar`,
        message: `${secret.envVar} is already the variable of secrets[${sameVar}]; each provided secret needs its own`,
      });
    }
    secret.readers.forEach((reader, j) => {
      const svc = ws.services.find((s) => s.name === reader);
      if (!svc) {
        issues.push({
          field: `secrets[${i}].readers[${j}]`,
          message: `"${reader}" is not a service of this workspace; expected one of ${unique(ws.services.map((s) => s.name)).join(", ") || "(no services)"}`,
        });
      } else if (!Object.values(svc.secrets).some((ref) => "secret" in ref && ref.secret === secret.name)) {
        issues.push({
          field: `secrets[${i}].readers[${j}]`,
          message: `"${reader}" never references secret "${secret.name}" in its secrets, so it must not be able to read it; remove it or add the reference`,
        });
      }
    });
  });
}

function resolveDatabase(db: DatabaseSettings, production: boolean, issues: Issue[]): DatabaseConfig | undefined {
  const engine = DATABASE_ENGINES[db.engine];
  const major = majorVersionOf(db.engine, db.engineVersion);
  const before = issues.length;
  if (!major) {
    issues.push({
      field: "database.engineVersion",
      message: `"${db.engineVersion}" is not a supported ${db.engine} version; expected a major version ${engine.majors.join(", ")} (optionally with a minor, e.g. "${newestMinorVersion(db.engine)}")`,
    });
  } else {
    const problem = minorVersionProblem(db.engine, major, db.engineVersion);
    if (problem) issues.push({ field: "database.engineVersion", message: problem });
  }
  const nameProblem = databaseNameProblem(db.engine, db.databaseName);
  if (nameProblem) issues.push({ field: "database.databaseName", message: nameProblem });
  const userProblem = masterUsernameProblem(db.engine, db.masterUsername);
  if (userProblem) issues.push({ field: "database.masterUsername", message: userProblem });
  checkWindows(db, issues);
  if (!DB_INSTANCE_CLASSES.includes(db.instanceClass)) {
    const suggestion = closest(db.instanceClass, DB_INSTANCE_CLASSES);
    issues.push({
      field: "database.instanceClass",
      message:
        `"${db.instanceClass}" is not a known RDS instance class; ` +
        (suggestion ? `did you mean "${suggestion}"? ` : "") +
        `expected e.g. db.t4g.micro, db.t4g.medium, db.m7g.large, db.r7g.large (full list in src/config/schema.ts)`,
    });
  }
  if (db.maxAllocatedStorageGb < db.allocatedStorageGb) {
    issues.push({
      field: "database.maxAllocatedStorageGb",
      message: `${db.maxAllocatedStorageGb} is below allocatedStorageGb (${db.allocatedStorageGb}); expected at least that`,
    });
  }
  const backupRetentionDays = db.backupRetentionDays ?? (production ? 14 : 1);
  if (backupRetentionDays < MIN_BACKUP_RETENTION_DAYS || backupRetentionDays > MAX_BACKUP_RETENTION_DAYS) {
    issues.push({
      field: "database.backupRetentionDays",
      message: `${backupRetentionDays} is out of range; expected ${MIN_BACKUP_RETENTION_DAYS} to ${MAX_BACKUP_RETENTION_DAYS} days`,
    });
  }
  const deletionProtection = db.deletionProtection ?? production;
  if (production && !deletionProtection && !db.deletionProtectionWaiver) {
    issues.push({
      field: "database.deletionProtection",
      message:
        "a production database needs deletion protection; set it to true, or give database.deletionProtectionWaiver with the reason",
    });
  }
  if (issues.length > before || !major) return undefined;
  return {
    ...db,
    multiAz: db.multiAz ?? production,
    deletionProtection,
    backupRetentionDays,
    finalSnapshot: db.finalSnapshot ?? production,
    performanceInsights: db.performanceInsights ?? production,
    monitoringIntervalSeconds: db.monitoringIntervalSeconds ?? (production ? 60 : 0),
    port: engine.port,
    family: parameterGroupFamily(db.engine, major),
    logExports: [...engine.logExports],
  };
}

/** Backups run daily and maintenance weekly; each lasts 30 minutes to a day, and they must not meet. */
function checkWindows(db: DatabaseSettings, issues: Issue[]): void {
  const backup = dailyWindow(db.backupWindow);
  const maintenance = weeklyWindow(db.maintenanceWindow);
  const backupProblem = windowLengthProblem(db.backupWindow, backup, "03:00-04:00");
  if (backupProblem) issues.push({ field: "database.backupWindow", message: backupProblem });
  const maintenanceProblem = windowLengthProblem(db.maintenanceWindow, maintenance, "sun:04:30-sun:05:30");
  if (maintenanceProblem) issues.push({ field: "database.maintenanceWindow", message: maintenanceProblem });
  if (!backupProblem && !maintenanceProblem && windowsOverlap(backup, maintenance)) {
    issues.push({
      field: "database.maintenanceWindow",
      message:
        `"${db.maintenanceWindow}" overlaps the daily backup window "${db.backupWindow}", which RDS refuses; ` +
        `move one of them, e.g. backups "03:00-04:00" and maintenance "sun:04:30-sun:05:30"`,
    });
  }
}
/** Edit distance, for "did you mean" suggestions. */
function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(input, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= 3 ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
