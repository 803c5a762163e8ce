/**
 * A stack's synthesized Terraform configuration (what `cdktf synth` writes to cdk.tf.json), read the way the
 * security controls need it: resources by type, what refers to what, and the policy documents behind a reference.
 */

export type Attributes = Record<string, unknown>;

/** The synthesized JSON of one stack: `resource` and `data` blocks, type -> logical id -> attributes. */
export interface SynthesizedConfig {
  readonly resource?: Record<string, Record<string, Attributes>>;
  readonly data?: Record<string, Record<string, Attributes>>;
}

/** One synthesized resource: its Terraform address (`type.name`) and attributes. */
export interface SynthesizedResource {
  readonly type: string;
  readonly address: string;
  readonly attributes: Attributes;
}

const REFERENCE = /\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\.[^}]*)?\}/g;

/** The addresses a value refers to through `${type.name.attribute}` interpolations, anywhere inside it. */
export function referencedAddresses(value: unknown): string[] {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
  return [...text.matchAll(REFERENCE)].map((m) => m[1]);
}

/** A Terraform block that is a list of one object in JSON (`[{...}]`) or the object itself. */
export function block(value: unknown): Attributes | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first !== null && typeof first === "object" ? (first as Attributes) : undefined;
}

/** A repeated Terraform block as a list (a single object counts as one). */
export function blocks(value: unknown): Attributes[] {
  if (Array.isArray(value)) return value.filter((v): v is Attributes => v !== null && typeof v === "object");
  return value !== null && typeof value === "object" ? [value as Attributes] : [];
}

export class SynthesizedStack {
  constructor(
    /** The stack's name (`cdktf deploy <name>`). */
    public readonly name: string,
    private readonly config: SynthesizedConfig,
  ) {}

  /** Every resource of `type`, in the order synthesized. */
  resources(type: string): SynthesizedResource[] {
    return Object.entries(this.config.resource?.[type] ?? {}).map(([name, attributes]) => ({
      type,
      address: `${type}.${name}`,
      attributes,
    }));
  }

  /** Resources of `type` whose attribute `attribute` refers to `target` (by reference, or by its literal name). */
  referencing(type: string, attribute: string, target: SynthesizedResource, literal?: unknown): SynthesizedResource[] {
    return this.resources(type).filter((r) => {
      const value = r.attributes[attribute];
      return referencedAddresses(value).includes(target.address) || (literal !== undefined && value === literal);
    });
  }

  /** Whether any resource of `type` has `attribute` (at any depth of its blocks) referring to `target`. */
  isReferencedBy(type: string, target: SynthesizedResource): boolean {
    return this.resources(type).some((r) => referencedAddresses(r.attributes).includes(target.address));
  }

  /**
   * The statements of an IAM policy given as a `${data.aws_iam_policy_document.x.json}` reference or as literal
   * JSON, in the document's JSON shape (Effect, Condition, ...); undefined when it cannot be read at synth.
   */
  policyStatements(policy: unknown): Attributes[] | undefined {
    if (typeof policy !== "string") return undefined;
    const document = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(policy);
    if (document) {
      const data = this.config.data?.aws_iam_policy_document?.[document[1]];
      if (!data) return undefined;
      return blocks(data.statement).map((s) => ({
        Effect: s.effect ?? "Allow",
        Condition: blocks(s.condition).map((c) => ({ test: c.test, variable: c.variable, values: c.values })),
      }));
    }
    try {
      const parsed = JSON.parse(policy) as { Statement?: unknown };
      return blocks(parsed.Statement).map((s) => ({
        Effect: s.Effect,
        Condition: Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(
          ([test, entries]) =>
            Object.entries(entries).map(([variable, values]) => ({
              test,
              variable,
              values: Array.isArray(values) ? values : [values],
            })),
        ),
      }));
    } catch {
      return undefined;
    }
  }
}
