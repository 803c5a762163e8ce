import { Control, CONTROLS } from "./controls";
import { SynthesizedResource, SynthesizedStack } from "./synthesized";

/** Characters a waiver's reason needs at least: a sentence someone can check, not "ok" or "n/a". */
export const MIN_WAIVER_REASON = 20;

/** An accepted finding: one control on the resources whose address matches `resource`, for a written reason. */
export interface Waiver {
  /** The control's id, e.g. "RDS.5". */
  readonly control: string;
  /** A Terraform address (`aws_db_instance.Workload_Database_Instance_3E5338A7`); `*` matches any characters. */
  readonly resource: string;
  /** Why the finding is accepted. */
  readonly reason: string;
}

/** A resource that breaks a control. */
export interface Finding {
  readonly control: Control;
  readonly resource: SynthesizedResource;
  /** What is wrong, e.g. "has deletion protection off". */
  readonly problem: string;
}

export interface PolicyReport {
  /** Findings no waiver covers: the synth fails. */
  readonly violations: readonly Finding[];
  /** Each waiver with the findings it covers, in the order the file lists them. */
  readonly waivers: readonly { readonly waiver: Waiver; readonly index: number; readonly findings: Finding[] }[];
}

/** Whether a waiver's resource pattern matches a Terraform address (`*` is any run of characters). */
export function matchesAddress(pattern: string, address: string): boolean {
  const regex = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${regex}$`).test(address);
}

/** Every finding of every control in a synthesized stack, then which of them the waivers cover. */
export function evaluate(stack: SynthesizedStack, waivers: readonly Waiver[]): PolicyReport {
  const findings: Finding[] = [];
  for (const control of CONTROLS) {
    for (const type of control.types) {
      for (const resource of stack.resources(type)) {
        const problem = control.check(resource, stack);
        if (problem !== undefined) findings.push({ control, resource, problem });
      }
    }
  }
  const covers = (waiver: Waiver, finding: Finding) =>
    waiver.control === finding.control.id && matchesAddress(waiver.resource, finding.resource.address);
  return {
    violations: findings.filter((f) => !waivers.some((w) => covers(w, f))),
    waivers: waivers.map((waiver, index) => ({ waiver, index, findings: findings.filter((f) => covers(waiver, f)) })),
  };
}
