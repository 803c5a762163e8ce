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

function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}
