/**
 * EC2 instance types accepted for `cluster.ec2.instanceType`, with what one instance offers, so that the loader can
 * check that a service placed on them fits on one instance. Source: the EC2 instance type specifications
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html, co.html, mo.html). Add a row to use another type.
 */
export interface InstanceSize {
  readonly vcpus: number;
  /** Installed memory, in MiB. */
  readonly memoryMiB: number;
}

const GiB = 1024;
const sizes = (family: string, table: Record<string, [number, number]>): [string, InstanceSize][] =>
  Object.entries(table).map(([size, [vcpus, gib]]) => [`${family}.${size}`, { vcpus, memoryMiB: gib * GiB }]);

/** Burstable types: 2 vCPUs up to large. */
const BURSTABLE = {
  nano: [2, 0.5],
  micro: [2, 1],
  small: [2, 2],
  medium: [2, 4],
  large: [2, 8],
  xlarge: [4, 16],
  "2xlarge": [8, 32],
} satisfies Record<string, [number, number]>;
/** General purpose, compute optimized and memory optimized, large to 4xlarge: 4, 2 and 8 GiB per vCPU. */
const perVcpu = (gibPerVcpu: number) =>
  Object.fromEntries(
    (
      [
        ["large", 2],
        ["xlarge", 4],
        ["2xlarge", 8],
        ["4xlarge", 16],
      ] as const
    ).map(([size, vcpus]) => [size, [vcpus, vcpus * gibPerVcpu]]),
  ) as Record<string, [number, number]>;

/** The x86_64 instance types the cluster's EC2 capacity may use. */
export const EC2_INSTANCE_TYPES: Readonly<Record<string, InstanceSize>> = Object.fromEntries([
  ...sizes("t3", BURSTABLE),
  ...sizes("t3a", BURSTABLE),
  ...["m5", "m5a", "m6i", "m6a", "m7i", "m7a"].flatMap((f) => sizes(f, perVcpu(4))),
  ...["c5", "c5a", "c6i", "c6a", "c7i", "c7a"].flatMap((f) => sizes(f, perVcpu(2))),
  ...["r5", "r5a", "r6i", "r6a", "r7i", "r7a"].flatMap((f) => sizes(f, perVcpu(8))),
]);

/**
 * The architecture of the image the container instances boot: src/constructs/container-cluster.ts reads the
 * x86_64 ECS-optimized Amazon Linux 2023 image from a public SSM parameter (ECS_AMI_PARAMETER; the arm64 image's path
 * has "/arm64/" in it). Stated here rather than imported, so the config layer stays free of cdktf; a test compares.
 */
export const ECS_AMI_ARCHITECTURE: "x86_64" | "arm64" = "x86_64";

/**
 * The accepted types, compactly: families that come in the same sizes share one entry, e.g.
 * "t3, t3a (nano, micro, small, medium, large, xlarge, 2xlarge); m5, m5a, ... (large, xlarge, 2xlarge, 4xlarge)".
 */
export function knownInstanceTypes(): string {
  const sizesByFamily = new Map<string, string[]>();
  for (const type of Object.keys(EC2_INSTANCE_TYPES)) {
    const [family, size] = type.split(".");
    sizesByFamily.set(family, [...(sizesByFamily.get(family) ?? []), size]);
  }
  const familiesBySizes = new Map<string, string[]>();
  for (const [family, sizes] of sizesByFamily) {
    const key = sizes.join(", ");
    familiesBySizes.set(key, [...(familiesBySizes.get(key) ?? []), family]);
  }
  return [...familiesBySizes].map(([sizes, families]) => `${families.join(", ")} (${sizes})`).join("; ");
}

/** Graviton (arm64) families: a generation digit followed by "g" (t4g, m7g, c6gn, r8g, x2gd, im4gn), and a1. */
export function isGravitonType(instanceType: string): boolean {
  const family = instanceType.split(".")[0];
  return family === "a1" || /^[a-z]+\d+g[a-z]*$/.test(family);
}

/**
 * What the ECS agent can give to tasks on one instance: every vCPU (1024 CPU units each), and the installed memory
 * less what the kernel and the agent keep. AWS's example: an m4.large's 8192 MiB registers as 7985 MiB ("Reserving
 * Amazon ECS Linux container instance memory"); AWS Batch recommends keeping 5% free for the agent and the system.
 * This counts 5% or 256 MiB, whichever is more.
 */
export function taskCapacityOf(size: InstanceSize): { cpuUnits: number; memoryMiB: number } {
  const reserved = Math.max(256, Math.ceil(size.memoryMiB * 0.05));
  return { cpuUnits: size.vcpus * 1024, memoryMiB: size.memoryMiB - reserved };
}
