/**
 * Security policies an Application Load Balancer's HTTPS listener may use, as AWS lists them in "Security policies
 * for your Application Load Balancer" (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html,
 * read 2026-11, with the 2025-09 post-quantum policies). `loadBalancer.sslPolicy` accepts only the policies below
 * that refuse TLS 1.0 and 1.1; the others are listed so that the loader can say why it refuses them. When AWS
 * publishes a new policy, add it to the matching list.
 */

/** The listener's policy when a file names none: TLS 1.3 and 1.2 (the policy the schema has always defaulted to). */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Policies that accept only TLS 1.2 and 1.3 (or 1.3 alone, or 1.2 alone). */
export const ACCEPTED_SSL_POLICIES = [
  // TLS 1.3 and 1.2
  DEFAULT_SSL_POLICY,
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  // TLS 1.3 and 1.2 with hybrid post-quantum key exchange (AWS's recommendation since 2025-09)
  "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
  // FIPS 140 validated cryptography
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
  // TLS 1.2 only (no TLS 1.3)
  "ELBSecurityPolicy-TLS-1-2-2017-01",
  "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
  "ELBSecurityPolicy-FS-1-2-2019-08",
  "ELBSecurityPolicy-FS-1-2-Res-2019-08",
  "ELBSecurityPolicy-FS-1-2-Res-2020-10",
] as const;

/** Real ALB policies that still accept TLS 1.0 or 1.1, with the oldest version each accepts. */
export const LEGACY_SSL_POLICIES: Readonly<Record<string, "TLS 1.0" | "TLS 1.1">> = {
  "ELBSecurityPolicy-2016-08": "TLS 1.0",
  "ELBSecurityPolicy-2015-05": "TLS 1.0",
  "ELBSecurityPolicy-TLS-1-0-2015-04": "TLS 1.0",
  "ELBSecurityPolicy-FS-2018-06": "TLS 1.0",
  "ELBSecurityPolicy-TLS13-1-0-2021-06": "TLS 1.0",
  "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04": "TLS 1.0",
  "ELBSecurityPolicy-TLS-1-1-2017-01": "TLS 1.1",
  "ELBSecurityPolicy-FS-1-1-2019-08": "TLS 1.1",
  "ELBSecurityPolicy-TLS13-1-1-2021-06": "TLS 1.1",
  "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04": "TLS 1.1",
};

/** Why `policy` cannot be the listener's policy, or undefined when it can. */
export function sslPolicyProblem(policy: string): string | undefined {
  if ((ACCEPTED_SSL_POLICIES as readonly string[]).includes(policy)) return undefined;
  const accepted = `expected one of ${ACCEPTED_SSL_POLICIES.join(", ")}`;
  const legacy = LEGACY_SSL_POLICIES[policy];
  if (legacy) {
    return `${JSON.stringify(policy)} still accepts ${legacy}, which is deprecated and insecure; ${accepted}`;
  }
  return `${JSON.stringify(policy)} is not a security policy of Application Load Balancers; ${accepted}`;
}
