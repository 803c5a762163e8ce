import { z } from "zod";
import { parseCidr } from "../lib/cidr";
import { KNOWN_REGIONS } from "./regions";

/**
 * The shape of the files in `environments/`. Every field is documented here once; defaults are applied when a file
 * is loaded, so stacks only ever see complete, validated configuration (see `load.ts`).
 */

// ---------------------------------------------------------------------------------------------------------------
// Shared field types
// ---------------------------------------------------------------------------------------------------------------

const shown = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** What a valid value of a field looks like, for "is required" and "wrong type" messages (see load.ts). */
export const FIELD_HINTS = new WeakMap<object, string>();
function hinted<T extends z.ZodType>(schema: T, hint: string): T {
  FIELD_HINTS.set(schema, hint);
  return schema;
}

/** A 12-digit AWS account id, as a string (a number would lose leading zeros). */
const accountId = hinted(z.string().check((ctx) => {
  if (!/^\d{12}$/.test(ctx.value)) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: `${shown(ctx.value)} is not an AWS account id; expected exactly 12 digits as a string, e.g. "123456789012"`,
    });
  }
}), 'an AWS account id: exactly 12 digits as a string, e.g. "123456789012"');

const region = hinted(z.string().check((ctx) => {
  if (!KNOWN_REGIONS.includes(ctx.value)) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: `${shown(ctx.value)} is not a known AWS region; expected one of ${KNOWN_REGIONS.join(", ")}`,
    });
  }
}), `an AWS region, one of ${KNOWN_REGIONS.join(", ")}`);

/** An IAM role name (not an ARN): the account id comes from the account field. */
const roleName = hinted(z.string().check((ctx) => {
  if (!/^[\w+=,.@-]{1,64}$/.test(ctx.value)) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: `${shown(ctx.value)} is not an IAM role name; expected 1-64 of letters, digits and +=,.@_- (a name, not an ARN)`,
    });
  }
}), 'an IAM role name (not an ARN), e.g. "terraform-deploy"');

/** Lowercase DNS-style label used to derive resource names. */
const label = (what: string, maxLength: number) =>
  hinted(z.string().check((ctx) => {
    const v = ctx.value;
    if (v.length === 0) {
      ctx.issues.push({ code: "custom", input: v, message: `${what} must not be empty; expected e.g. "acme"` });
    } else if (v.length > maxLength || !/^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(v)) {
      ctx.issues.push({
        code: "custom",
        input: v,
        message:
          `${shown(v)} is not a valid ${what}; expected at most ${maxLength} lowercase letters, digits and hyphens, ` +
          `starting with a letter and not ending with a hyphen`,
      });
    }
  }), `a ${what}: at most ${maxLength} lowercase letters, digits and hyphens, starting with a letter, e.g. "acme"`);

const cidrBlock = hinted(z.string().check((ctx) => {
  if (!parseCidr(ctx.value)) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: `${shown(ctx.value)} is not a valid IPv4 CIDR block; expected a network address and prefix such as "10.10.0.0/16" (no host bits set)`,
    });
  }
}), 'an IPv4 CIDR block such as "10.10.0.0/16"');

const tags = z.record(
  z.string().min(1, { error: "tag keys must be 1-128 characters" }).max(128, { error: "tag keys must be 1-128 characters" }),
  z.string().max(256, { error: "tag values must be at most 256 characters" }),
);

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const retentionDays = hinted(z.number().check((ctx) => {
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(ctx.value)) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: `${shown(ctx.value)} is not a CloudWatch Logs retention period; expected one of ${LOG_RETENTION_DAYS.join(", ")}`,
    });
  }
}), `a number of days CloudWatch Logs accepts: one of ${LOG_RETENTION_DAYS.join(", ")}`);

/** Service and database ports stay below the Linux ephemeral range, which the network ACLs open for replies. */
const port = z.int().min(1).max(32767);

// ---------------------------------------------------------------------------------------------------------------
// environments/bootstrap.ts
// ---------------------------------------------------------------------------------------------------------------

export const projectSchema = z.strictObject({
  /** Project name: the first part of every resource name (`<project>-<workspace>-<thing>`). */
  project: label("project name", 20),
  /** The account that holds Terraform state (the "master" account). */
  masterAccountId: accountId,
  /** Region of the state bucket and lock table. */
  region,
  /**
   * Role the bootstrap stack's provider assumes in the master account.
   * @default - none: the caller's own credentials are used (they must belong to the master account)
   */
  deployRoleName: roleName.optional(),
  /**
   * Where the bootstrap stack keeps its own state: `local` for the first apply (the bucket does not exist yet),
   * `s3` once it has been migrated into the bucket it created (see README, "Moving the bootstrap state").
   * @default "local"
   */
  backend: z.enum(["local", "s3"]).default("local"),
  stateBucket: z
    .strictObject({
      /** @default "<project>-tfstate-<masterAccountId>" */
      name: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
          error: "must be a valid S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens",
        })
        .optional(),
      /** Days after which superseded state versions are deleted. @default 90 */
      noncurrentVersionExpirationDays: z.int().min(1).max(3650).default(90),
    })
    .prefault({}),
  lockTable: z
    .strictObject({
      /** @default "<project>-tfstate-lock" */
      name: z
        .string()
        .regex(/^[a-zA-Z0-9_.-]{3,255}$/, { error: "must be a valid DynamoDB table name: 3-255 of a-z A-Z 0-9 _ . -" })
        .optional(),
    })
    .prefault({}),
  /**
   * IAM principals (ARNs) allowed to assume the per-workspace state roles in the master account.
   * @default - the master account itself (`arn:aws:iam::<masterAccountId>:root`), so its IAM policies decide
   */
  stateAccessPrincipals: z
    .array(
      z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:[\w+=,.@/-]+$/, {
        error: 'must be an IAM principal ARN, e.g. "arn:aws:iam::123456789012:root" or "arn:aws:iam::123456789012:role/ci"',
      }),
    )
    .optional(),
  /** Tags on every bootstrap resource, merged under the project's own. @default {} */
  tags: tags.default({}),
});

// ---------------------------------------------------------------------------------------------------------------
// environments/<workspace>.ts: network
// ---------------------------------------------------------------------------------------------------------------

export const NAT_MODES = ["none", "single", "one-per-az"] as const;

export const networkSchema = z.strictObject({
  /** VPC CIDR block: /16 to /23 with the derived subnet layout, down to /28 with explicit `subnets`. */
  cidr: cidrBlock,
  /**
   * How many availability zones to spread the subnets over (the region's first N, in order).
   * @default 2
   */
  azCount: z.int().optional(),
  /** Explicit availability zone names (e.g. ["us-east-1a", "us-east-1c"]); replaces `azCount`. */
  availabilityZones: z.array(z.string()).optional(),
  /**
   * Outbound internet for the app tier: `none` (no NAT; use VPC endpoints), `single` (one shared NAT gateway,
   * cheapest, one AZ's outage cuts egress for all), `one-per-az` (a NAT gateway per AZ, no cross-AZ dependency).
   * @default "single"
   */
  natGateways: z.enum(NAT_MODES).default("single"),
  /**
   * Explicit subnet CIDRs per tier, one per availability zone in order.
   * @default - derived from the VPC CIDR (see README, "Network")
   */
  subnets: z
    .strictObject({
      public: z.array(cidrBlock),
      app: z.array(cidrBlock),
      database: z.array(cidrBlock),
    })
    .optional(),
  /** Container ports the public tier (the load balancer) may reach in the app tier. @default [8080] */
  appPorts: z.array(port).min(1).default([8080]),
  /** Port the app tier may reach in the database tier. @default 5432 */
  databasePort: port.default(5432),
  flowLogs: z
    .strictObject({
      /** @default true */
      enabled: z.boolean().default(true),
      /** Days the flow log group keeps records. @default 30 */
      retentionDays: retentionDays.default(30),
      /** @default "ALL" */
      trafficType: z.enum(["ALL", "ACCEPT", "REJECT"]).default("ALL"),
    })
    .prefault({}),
  endpoints: z
    .strictObject({
      /** S3 and DynamoDB gateway endpoints on the app route tables (free). @default true */
      gateway: z.boolean().default(true),
      /**
       * Interface endpoints for ECR (api, dkr), CloudWatch Logs, SSM and Secrets Manager in the app subnets
       * (billed per hour and AZ).
       * @default false
       */
      interface: z.boolean().default(false),
    })
    .prefault({}),
  /**
   * Workspaces whose VPC this one will be peered with (or joined through a transit gateway). Their CIDRs must not
   * overlap with this one; the check runs at synth. Peering itself is not created by this project.
   * @default []
   */
  peerWith: z.array(z.string()).default([]),
});

// ---------------------------------------------------------------------------------------------------------------
// environments/<workspace>.ts
// ---------------------------------------------------------------------------------------------------------------

export const workspaceSchema = z.strictObject({
  /** Workspace name: the stack name (`cdktf deploy <name>`) and the state key. */
  name: label("workspace name", 12),
  /** The account this workspace's resources live in. */
  accountId,
  region,
  /** Role the workspace's provider assumes in its account (created outside this project; see README). */
  deployRoleName: roleName,
  /** Prefix of every resource name. @default "<project>-<name>" */
  namePrefix: label("name prefix", 24).optional(),
  /** Extra tags on every resource of this workspace (merged under project, environment and managed-by). @default {} */
  tags: tags.default({}),
  network: networkSchema,
});

export type ProjectInput = z.input<typeof projectSchema>;
export type ProjectSettings = z.output<typeof projectSchema>;
export type WorkspaceInput = z.input<typeof workspaceSchema>;
export type WorkspaceSettings = z.output<typeof workspaceSchema>;
export type NetworkSettings = z.output<typeof networkSchema>;
export type NatMode = (typeof NAT_MODES)[number];
