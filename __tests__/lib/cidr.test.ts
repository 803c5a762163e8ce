import { Cidr, cidrSubnet, contains, formatCidr, mustParseCidr, overlaps, parseCidr, sizeOf } from "../../src/lib/cidr";

const cidr = (text: string): Cidr => mustParseCidr(text);

describe("parseCidr", () => {
  test.each<[string, number, number]>([
    ["10.10.0.0/16", 0x0a0a0000, 16],
    ["192.168.1.128/25", 0xc0a80180, 25],
    ["0.0.0.0/0", 0, 0],
    ["255.255.255.255/32", 0xffffffff, 32],
  ])("parses %s", (text, network, prefix) => {
    expect(parseCidr(text)).toEqual({ network, prefix });
  });

  test.each([
    "banana",
    "",
    "10.0.0/16",
    "10.0.0.0",
    "10.0.0.0/",
    "10.0.0.0/33",
    " 10.0.0.0/16",
    "10.0.0.0/16 ",
    "10.0.0.0/16/8",
    "-1.0.0.0/8",
    "1.2.3.4.5/8",
  ])("rejects the malformed %p", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  test.each(["10.0.0.1/16", "10.10.1.0/16", "192.168.1.128/24", "0.0.0.1/0"])(
    "rejects %s, which has host bits set",
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );

  test.each(["256.0.0.0/8", "10.0.300.0/24", "10.0.0.999/32"])("rejects %s, which has an octet above 255", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  // Terraform (Go's net.ParseCIDR) and the AWS provider's CIDR validation reject leading zeros, and some parsers
  // read them as octal; a block accepted here is passed to aws_vpc/aws_subnet verbatim.
  test.each(["010.10.0.0/16", "10.010.0.0/16", "10.0.0.0/08"])("rejects %s, which has leading zeros", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe("mustParseCidr", () => {
  test("throws on what parseCidr rejects, quoting the text", () => {
    expect(() => mustParseCidr("10.0.0.1/16")).toThrow('"10.0.0.1/16" is not a valid IPv4 CIDR block');
  });
});

describe("formatCidr and sizeOf", () => {
  test.each(["10.10.0.0/16", "172.16.0.0/12", "255.255.255.255/32", "0.0.0.0/0"])("round-trips %s", (text) => {
    expect(formatCidr(cidr(text))).toBe(text);
  });

  test("sizes", () => {
    expect(sizeOf(cidr("10.10.0.0/16"))).toBe(65536);
    expect(sizeOf(cidr("10.10.0.0/21"))).toBe(2048);
    expect(sizeOf(cidr("10.10.0.0/28"))).toBe(16);
  });
});

describe("contains", () => {
  test("a block contains its sub-blocks and itself", () => {
    expect(contains(cidr("10.10.0.0/16"), cidr("10.10.64.0/21"))).toBe(true);
    expect(contains(cidr("10.10.0.0/16"), cidr("10.10.255.240/28"))).toBe(true);
    expect(contains(cidr("10.10.0.0/16"), cidr("10.10.0.0/16"))).toBe(true);
  });

  test("a block does not contain a larger block around it", () => {
    expect(contains(cidr("10.10.64.0/21"), cidr("10.10.0.0/16"))).toBe(false);
  });

  test("a block does not contain a block next to it", () => {
    expect(contains(cidr("10.10.0.0/16"), cidr("10.11.0.0/24"))).toBe(false);
    expect(contains(cidr("10.10.0.0/16"), cidr("10.9.255.0/24"))).toBe(false);
  });

  test("works above 128.0.0.0, where the top bit is set", () => {
    expect(contains(cidr("192.168.0.0/16"), cidr("192.168.10.0/24"))).toBe(true);
    expect(contains(cidr("192.168.0.0/16"), cidr("192.169.0.0/24"))).toBe(false);
    expect(contains(cidr("0.0.0.0/0"), cidr("255.255.255.0/24"))).toBe(true);
  });
});

describe("overlaps", () => {
  test("nested blocks overlap, either way round", () => {
    expect(overlaps(cidr("10.10.0.0/16"), cidr("10.10.128.0/17"))).toBe(true);
    expect(overlaps(cidr("10.10.128.0/17"), cidr("10.10.0.0/16"))).toBe(true);
  });

  test("equal blocks overlap", () => {
    expect(overlaps(cidr("10.10.0.0/16"), cidr("10.10.0.0/16"))).toBe(true);
  });

  test("adjacent blocks do not overlap", () => {
    expect(overlaps(cidr("10.10.0.0/16"), cidr("10.11.0.0/16"))).toBe(false);
    expect(overlaps(cidr("10.10.0.0/24"), cidr("10.10.1.0/24"))).toBe(false);
    expect(overlaps(cidr("10.10.0.0/17"), cidr("10.10.128.0/17"))).toBe(false);
  });
});

describe("cidrSubnet", () => {
  // Expected values are what Terraform's cidrsubnet() returns for the same arguments.
  test.each<[string, number, number, string]>([
    ["10.10.0.0/16", 5, 8, "10.10.64.0/21"],
    ["10.10.0.0/16", 5, 0, "10.10.0.0/21"],
    ["10.10.0.0/16", 5, 31, "10.10.248.0/21"],
    ["172.16.0.0/12", 4, 2, "172.18.0.0/16"],
    ["10.1.2.0/24", 4, 15, "10.1.2.240/28"],
    ["10.0.0.0/8", 8, 255, "10.255.0.0/16"],
    ["192.168.0.0/16", 8, 200, "192.168.200.0/24"],
    ["10.0.0.0/16", 0, 0, "10.0.0.0/16"],
  ])("cidrsubnet(%s, %d, %d) = %s", (parent, newBits, netNum, expected) => {
    expect(formatCidr(cidrSubnet(cidr(parent), newBits, netNum))).toBe(expected);
  });

  test("refuses a subnet number that does not fit in newBits, as Terraform does", () => {
    expect(() => cidrSubnet(cidr("10.10.0.0/16"), 5, 32)).toThrow("subnet number 32 does not fit in 5 bits");
    expect(() => cidrSubnet(cidr("10.10.0.0/16"), 5, -1)).toThrow("subnet number -1 does not fit in 5 bits");
  });

  test("refuses a prefix longer than /32", () => {
    expect(() => cidrSubnet(cidr("10.10.0.0/30"), 3, 0)).toThrow("cannot add 3 bits to a /30");
  });
});
