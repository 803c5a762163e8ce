/**
 * IPv4 CIDR arithmetic done at synth time, so that subnet layouts are concrete values that can be validated
 * (inside the VPC, disjoint) and asserted in tests, instead of Terraform expressions resolved at apply time.
 */

/** A parsed IPv4 CIDR block. `network` is the first address as an unsigned 32-bit integer. */
export interface Cidr {
  readonly network: number;
  readonly prefix: number;
}

// No leading zeros: Terraform and the AWS API reject "010.0.0.0/16" and "10.0.0.0/08".
const OCTET = "(0|[1-9]\\d{0,2})";
const CIDR_PATTERN = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}\\/(0|[1-9]\\d?)$`);

/** Parses `a.b.c.d/n`; returns undefined for anything malformed or with host bits set. */
export function parseCidr(text: string): Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  if ((address & ~maskOf(prefix)) >>> 0 !== 0) return undefined;
  return { network: address, prefix };
}

/** Like parseCidr, but throws; for values already validated. */
export function mustParseCidr(text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`"${text}" is not a valid IPv4 CIDR block`);
  return cidr;
}

export function formatCidr(cidr: Cidr): string {
  const a = cidr.network;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${cidr.prefix}`;
}

/** Number of addresses in the block. */
export function sizeOf(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** True when `inner` lies entirely within `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && (inner.network & maskOf(outer.prefix)) >>> 0 === outer.network;
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

/** Terraform's `cidrsubnet(prefix, newbits, netnum)`, computed here. */
export function cidrSubnet(parent: Cidr, newBits: number, netNum: number): Cidr {
  const prefix = parent.prefix + newBits;
  if (prefix > 32) throw new Error(`cannot add ${newBits} bits to a /${parent.prefix}`);
  if (netNum < 0 || netNum >= 2 ** newBits) throw new Error(`subnet number ${netNum} does not fit in ${newBits} bits`);
  return { network: (parent.network + netNum * 2 ** (32 - prefix)) >>> 0, prefix };
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}
