/**
 * Limits AWS (and Linux) put on what the stacks create, in one place: the environment loader checks a file against
 * them and the constructs rely on them, so the two can never disagree. Each is AWS's documented value or default
 * quota; a quota raised for an account is raised here too.
 */

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Fargate's valid task sizes: CPU units -> allowed memory (MiB). */
export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/**
 * Ports Linux clients (Fargate tasks, ECS-optimized instances) open outbound connections from. Return traffic is
 * admitted on these, so service and database ports must lie below them.
 */
export const LINUX_EPHEMERAL_PORTS = { from: 32768, to: 65535 } as const;
/** The highest port a service or the database may listen on. */
export const MAX_SERVICE_PORT = LINUX_EPHEMERAL_PORTS.from - 1;

/** Default quota of rules per network ACL and direction (adjustable up to 40). */
export const MAX_NACL_RULES_PER_DIRECTION = 20;
/** An application load balancer needs subnets of /27 or larger. */
export const MIN_ALB_SUBNET_PREFIX = 27;
/** A listener rule matches at most five condition values (host names and path patterns together). */
export const MAX_RULE_CONDITION_VALUES = 5;
/** Load balancer and target group names are limited to 32 characters. */
export const MAX_LOAD_BALANCER_NAME = 32;
export const MAX_TARGET_GROUP_NAME = 32;
/** RDS keeps automated backups for 1 to 35 days. */
export const MIN_BACKUP_RETENTION_DAYS = 1;
export const MAX_BACKUP_RETENTION_DAYS = 35;
/** RDS backup and maintenance windows last at least 30 minutes (CreateDBInstance, PreferredBackupWindow). */
export const MIN_DB_WINDOW_MINUTES = 30;
/** A maintenance window longer than a day is refused: the weekly window is meant to be a slot, not the week. */
export const MAX_DB_WINDOW_MINUTES = 24 * 60;
/**
 * RDS database and master user names, per engine (CreateDBInstance: DBName 1-63 for PostgreSQL, 1-64 for MySQL;
 * MasterUsername as a live account accepts it, 1-63 for PostgreSQL and 1-32 for MySQL).
 */
export const DB_NAME_LIMITS = {
  postgres: { databaseName: 63, masterUsername: 63 },
  mysql: { databaseName: 64, masterUsername: 32 },
} as const;

// DNS, load balancer rules and health checks ----------------------------------------------------------------------

/** A DNS name holds at most 253 characters (without the final dot), each label 1 to 63. */
export const MAX_DNS_NAME_LENGTH = 253;
export const MAX_DNS_LABEL_LENGTH = 63;
/** Each value of a listener rule condition (a host name or a path pattern) holds at most 128 characters. */
export const MAX_RULE_CONDITION_VALUE_LENGTH = 128;
/** A target group's health check path holds at most 1024 characters. */
export const MAX_HEALTH_CHECK_PATH_LENGTH = 1024;
/** HTTP codes an Application Load Balancer's health check matcher may name. */
export const ALB_MATCHER_CODES = { from: 200, to: 499 } as const;

// Names and tags -------------------------------------------------------------------------------------------------

/** S3 bucket names are 3 to 63 characters. */
export const MIN_BUCKET_NAME_LENGTH = 3;
export const MAX_BUCKET_NAME_LENGTH = 63;
/** Tag keys hold 1 to 128 characters, values up to 256; a resource carries at most 50 user tags. */
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
export const MAX_TAGS_PER_RESOURCE = 50;

// Default quotas of a new account, per region (Service Quotas raises them) ----------------------------------------

/** A quota of an account as Service Quotas names it, with the value a new account has and how far it can go. */
export interface AccountQuota {
  /** The value a new account has. */
  readonly default: number;
  /** The highest value Service Quotas grants (or a generous bound where AWS documents none). */
  readonly max: number;
  /** The quota's name in the Service Quotas console. */
  readonly quotaName: string;
  /** The service it is listed under in Service Quotas. */
  readonly service: string;
}

/**
 * The quotas the loader counts against. A workspace whose account has a raised quota says so in its `quotas` field
 * and the loader counts against that instead.
 */
export const ACCOUNT_QUOTAS = {
  /** Elastic IP addresses per region; each NAT gateway holds one. */
  elasticIpsPerRegion: { default: 5, max: 10000, quotaName: "EC2-VPC Elastic IPs", service: "Amazon EC2" },
  /** VPCs per region, the default VPC included. */
  vpcsPerRegion: { default: 5, max: 10000, quotaName: "VPCs per Region", service: "Amazon VPC" },
  /** Inbound or outbound rules per network ACL. */
  networkAclRulesPerDirection: {
    default: MAX_NACL_RULES_PER_DIRECTION,
    max: 40,
    quotaName: "Rules per network ACL",
    service: "Amazon VPC",
  },
  /** Inbound or outbound rules per security group. */
  securityGroupRulesPerDirection: {
    default: 60,
    max: 1000,
    quotaName: "Inbound or outbound rules per security group",
    service: "Amazon VPC",
  },
  /** Listener rules per Application Load Balancer, the default rules not counted. */
  listenerRulesPerLoadBalancer: {
    default: 100,
    max: 10000,
    quotaName: "Rules per Application Load Balancer",
    service: "Elastic Load Balancing",
  },
  /** Targets per Application Load Balancer; every running task behind it is one. */
  targetsPerLoadBalancer: {
    default: 1000,
    max: 100000,
    quotaName: "Targets per Application Load Balancer",
    service: "Elastic Load Balancing",
  },
} as const satisfies Record<string, AccountQuota>;
export type QuotaName = keyof typeof ACCOUNT_QUOTAS;
/** Target groups per Application Load Balancer: a fixed quota (Service Quotas cannot raise it). */
export const MAX_TARGET_GROUPS_PER_LOAD_BALANCER = 100;
/** Fixed quotas the stacks stay far below by construction (checked by a test, not per file). */
export const MAX_INTERFACE_ENDPOINTS_PER_VPC = 50;
export const MAX_SECURITY_GROUPS_PER_NETWORK_INTERFACE = 5;

function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}
