// Reading a synthesized stack as Terraform does: addresses ("aws_x.name", "data.aws_x.name"), the references between
// them, and what a resource (transitively) waits for.
import { Synthesized } from "./stacks";

/** The configuration at an address: "aws_x.name" for a resource, "data.aws_x.name" for a data source. */
export function configAt(parsed: Synthesized, address: string): Record<string, unknown> {
  const [first, ...rest] = address.split(".");
  const [type, name] = first === "data" ? rest : [first, rest.join(".")];
  const config = (first === "data" ? parsed.data : parsed.resource)?.[type]?.[name];
  if (!config) throw new Error(`nothing at ${address}`);
  return config;
}

/** Address of every resource of a type whose configuration satisfies `match`. */
export function addressesWhere(
  parsed: Synthesized,
  type: string,
  match: (config: Record<string, unknown>) => boolean,
): string[] {
  return Object.entries(parsed.resource[type] ?? {})
    .filter(([, config]) => match(config))
    .map(([name]) => `${type}.${name}`);
}

/** Address of the one resource of a type whose `attribute` equals `value` (e.g. an IAM role by its name). */
export function addressWith(parsed: Synthesized, type: string, attribute: string, value: unknown): string {
  const found = addressesWhere(parsed, type, (c) => c[attribute] === value);
  if (found.length !== 1)
    throw new Error(`expected one ${type} with ${attribute}=${String(value)}, found ${found.length}`);
  return found[0];
}

/** Address of the only resource of a type; throws when there is none or more than one. */
export function onlyAddress(parsed: Synthesized, type: string): string {
  const names = Object.keys(parsed.resource[type] ?? {});
  if (names.length !== 1) throw new Error(`expected one ${type}, found ${names.length}`);
  return `${type}.${names[0]}`;
}

/** The interpolation Terraform writes for an attribute of an address: ref("aws_x.y", "arn") is "${aws_x.y.arn}". */
export function ref(address: string, attribute: string): string {
  return `\${${address}.${attribute}}`;
}

/** Resolves "${data.aws_x.y.attr}" to "data.aws_x.y". */
export function dataTarget(ref: unknown): string {
  const m = /^\$\{(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(String(ref));
  if (!m) throw new Error(`not a data source reference: ${String(ref)}`);
  return m[1];
}

const INTERPOLATION = /\$\{([^}]*)\}/g;
const ADDRESS = /(?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+/g;

/** Addresses a configuration refers to, through interpolations anywhere in it and through depends_on. */
export function referencesOf(config: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown, key?: string): void => {
    if (typeof value === "string") {
      if (key === "depends_on") found.add(value);
      for (const [, expr] of value.matchAll(INTERPOLATION))
        for (const [address] of expr.matchAll(ADDRESS)) found.add(address);
    } else if (Array.isArray(value)) {
      value.forEach((v) => visit(v, key));
    } else if (value !== null && typeof value === "object") {
      Object.entries(value).forEach(([k, v]) => visit(v, k));
    }
  };
  visit(config);
  return found;
}

/** Whether Terraform creates `dependency` before `address`: a reference or depends_on path from one to the other. */
export function waitsFor(parsed: Synthesized, address: string, dependency: string): boolean {
  const seen = new Set<string>();
  const pending = [address];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const next of referencesOf(configAt(parsed, current))) {
      if (next === dependency) return true;
      if (!seen.has(next)) {
        seen.add(next);
        pending.push(next);
      }
    }
  }
  return false;
}

/**
 * Paths ("resource.aws_db_instance.x.password") of every key anywhere in `value` that satisfies `match`, including
 * keys inside strings that hold JSON (container definitions, policies).
 */
export function keysWhere(value: unknown, match: (key: string) => boolean, path = ""): string[] {
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) return [];
    try {
      return keysWhere(JSON.parse(trimmed), match, `${path}(json)`);
    } catch {
      return [];
    }
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => keysWhere(v, match, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const here = path === "" ? key : `${path}.${key}`;
    return [...(match(key) ? [here] : []), ...keysWhere(v, match, here)];
  });
}
