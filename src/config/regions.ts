/**
 * AWS commercial regions and the availability zone letters each offers to new accounts. An environment may only
 * name a region listed here and only as many availability zones as the region has; add a row when AWS opens one.
 * Source: the EC2 DescribeAvailabilityZones output per region (zone names), as published by AWS.
 */
export const REGION_AVAILABILITY_ZONES: Readonly<Record<string, readonly string[]>> = {
  "us-east-1": ["a", "b", "c", "d", "e", "f"],
  "us-east-2": ["a", "b", "c"],
  "us-west-1": ["a", "c"],
  "us-west-2": ["a", "b", "c", "d"],
  "ca-central-1": ["a", "b", "d"],
  "sa-east-1": ["a", "b", "c"],
  "eu-west-1": ["a", "b", "c"],
  "eu-west-2": ["a", "b", "c"],
  "eu-west-3": ["a", "b", "c"],
  "eu-central-1": ["a", "b", "c"],
  "eu-central-2": ["a", "b", "c"],
  "eu-north-1": ["a", "b", "c"],
  "eu-south-1": ["a", "b", "c"],
  "eu-south-2": ["a", "b", "c"],
  "ap-south-1": ["a", "b", "c"],
  "ap-south-2": ["a", "b", "c"],
  "ap-northeast-1": ["a", "c", "d"],
  "ap-northeast-2": ["a", "b", "c", "d"],
  "ap-northeast-3": ["a", "b", "c"],
  "ap-southeast-1": ["a", "b", "c"],
  "ap-southeast-2": ["a", "b", "c"],
  "ap-southeast-3": ["a", "b", "c"],
  "ap-southeast-4": ["a", "b", "c"],
  "ap-east-1": ["a", "b", "c"],
  "me-south-1": ["a", "b", "c"],
  "me-central-1": ["a", "b", "c"],
  "af-south-1": ["a", "b", "c"],
  "il-central-1": ["a", "b", "c"],
};

export const KNOWN_REGIONS: readonly string[] = Object.keys(REGION_AVAILABILITY_ZONES);

/** Full zone names (`eu-west-1a`) of a region, in order. */
export function availabilityZonesOf(region: string): string[] {
  return (REGION_AVAILABILITY_ZONES[region] ?? []).map((letter) => `${region}${letter}`);
}
