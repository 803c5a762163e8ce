import { Cidr, cidrSubnet, formatCidr } from "./cidr";

/** The three subnet tiers of every workspace network, in layout order. */
export const SUBNET_TIERS = ["public", "app", "database"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** Subnet CIDRs per tier, one per availability zone, in AZ order. */
export type SubnetLayout = Record<SubnetTier, string[]>;

/**
 * The derived layout splits the VPC into 32 equal blocks (5 extra prefix bits) and gives each tier a fixed run of
 * 8 of them: public = blocks 0-7, app = 8-15, database = 16-23, 24-31 kept free. Subnet i of a tier is block
 * `tier * 8 + i`, so adding an availability zone never renumbers an existing subnet. A /16 VPC gets /21 subnets
 * (2,043 usable addresses each).
 */
export const LAYOUT_NEW_BITS = 5;
export const LAYOUT_BLOCKS_PER_TIER = 8;
/** AWS's smallest subnet is a /28, so the derived layout needs a VPC of /23 or larger. */
export const SMALLEST_SUBNET_PREFIX = 28;
export const LARGEST_DERIVED_VPC_PREFIX = SMALLEST_SUBNET_PREFIX - LAYOUT_NEW_BITS;

export function deriveSubnetLayout(vpc: Cidr, azCount: number): SubnetLayout {
  if (azCount > LAYOUT_BLOCKS_PER_TIER) {
    throw new Error(`the derived subnet layout holds at most ${LAYOUT_BLOCKS_PER_TIER} availability zones`);
  }
  const tier = (index: number) =>
    Array.from({ length: azCount }, (_, az) =>
      formatCidr(cidrSubnet(vpc, LAYOUT_NEW_BITS, index * LAYOUT_BLOCKS_PER_TIER + az)),
    );
  return { public: tier(0), app: tier(1), database: tier(2) };
}
