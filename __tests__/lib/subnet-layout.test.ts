import { Cidr, contains, mustParseCidr, overlaps } from "../../src/lib/cidr";
import { deriveSubnetLayout, SUBNET_TIERS, SubnetLayout } from "../../src/lib/subnet-layout";

const VPC = mustParseCidr("10.10.0.0/16");

const allSubnets = (layout: SubnetLayout): Cidr[] => SUBNET_TIERS.flatMap((tier) => layout[tier]).map(mustParseCidr);

describe("deriveSubnetLayout", () => {
  test("gives a /16 VPC /21 subnets in fixed runs per tier", () => {
    expect(deriveSubnetLayout(VPC, 2)).toEqual({
      public: ["10.10.0.0/21", "10.10.8.0/21"],
      app: ["10.10.64.0/21", "10.10.72.0/21"],
      database: ["10.10.128.0/21", "10.10.136.0/21"],
    });
  });

  test("gives a /23 VPC /28 subnets, AWS's smallest", () => {
    expect(deriveSubnetLayout(mustParseCidr("10.0.0.0/23"), 2)).toEqual({
      public: ["10.0.0.0/28", "10.0.0.16/28"],
      app: ["10.0.0.128/28", "10.0.0.144/28"],
      database: ["10.0.1.0/28", "10.0.1.16/28"],
    });
  });

  test.each([1, 2, 3, 6, 8])("has one subnet per tier for each of %d availability zones", (azCount) => {
    const layout = deriveSubnetLayout(VPC, azCount);
    expect(SUBNET_TIERS.map((tier) => layout[tier].length)).toEqual([azCount, azCount, azCount]);
  });

  test.each(["10.10.0.0/16", "172.31.0.0/16", "192.168.4.0/22", "10.0.0.0/23"])(
    "keeps every subnet inside the VPC %s",
    (vpcText) => {
      const vpc = mustParseCidr(vpcText);
      const subnets = allSubnets(deriveSubnetLayout(vpc, 8));
      expect(subnets).toHaveLength(24);
      for (const subnet of subnets) expect(contains(vpc, subnet)).toBe(true);
    },
  );

  test("makes subnets pairwise disjoint", () => {
    const subnets = allSubnets(deriveSubnetLayout(VPC, 8));
    const clashes: string[] = [];
    subnets.forEach((a, i) =>
      subnets.slice(i + 1).forEach((b, j) => {
        if (overlaps(a, b)) clashes.push(`${i} and ${i + 1 + j}`);
      }),
    );
    expect(clashes).toEqual([]);
  });

  test("keeps the existing subnets unchanged when an availability zone is added", () => {
    for (let azCount = 1; azCount < 8; azCount++) {
      const before = deriveSubnetLayout(VPC, azCount);
      const after = deriveSubnetLayout(VPC, azCount + 1);
      for (const tier of SUBNET_TIERS) {
        expect(after[tier].slice(0, azCount)).toEqual(before[tier]);
        expect(after[tier]).toHaveLength(azCount + 1);
      }
    }
  });

  test("holds 8 availability zones and refuses 9", () => {
    expect(deriveSubnetLayout(VPC, 8).database[7]).toBe("10.10.184.0/21");
    expect(() => deriveSubnetLayout(VPC, 9)).toThrow("the derived subnet layout holds at most 8 availability zones");
  });
});
