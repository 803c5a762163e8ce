import { IConstruct } from "constructs";
import { AnnotationMetadataEntryType, IAspect, TerraformStack } from "cdktf";
import { evaluate, PolicyReport, Waiver } from "./waivers";
import { SynthesizedConfig, SynthesizedStack } from "./synthesized";

export interface SecurityControlsProps {
  /** The file the waivers come from, named in every message, e.g. "environments/dev.ts". */
  readonly file: string;
  /** Findings accepted on purpose, each with its reason. */
  readonly waivers: readonly Waiver[];
}

/**
 * Checks a stack's synthesized configuration against the controls in `controls.ts` at every synth. A finding no
 * waiver covers, or a waiver that covers nothing (stale, or a typo), fails the synth with one error annotation on
 * the stack, without a stack trace: the CLI prints it once as `ERROR [<stack>]: ...` and exits 1. Every waiver that covers something is
 * listed as an info annotation, one line each, so accepted risks stay visible.
 */
export class SecurityControls implements IAspect {
  private readonly evaluated = new WeakSet<TerraformStack>();

  constructor(private readonly props: SecurityControlsProps) {}

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.evaluated.has(node)) return;
    // Aspects run again on every synth of the same stack (tests synthesize twice); report once.
    this.evaluated.add(node);
    const stack = new SynthesizedStack(node.node.id, node.toTerraform() as SynthesizedConfig);
    const report = evaluate(stack, this.props.waivers);
    for (const { waiver, findings } of report.waivers) {
      if (findings.length === 0) continue;
      // Without a stack trace: the CLI prints an annotation's trace, and this one is about the file, not the code.
      node.node.addMetadata(
        AnnotationMetadataEntryType.INFO,
        `waived ${waiver.control} on ${waiver.resource} (${findings.length} resource${findings.length === 1 ? "" : "s"}, ${this.props.file}): ${waiver.reason}`,
      );
    }
    const refusal = refusalMessage(stack.name, this.props.file, report);
    if (refusal) node.node.addMetadata(AnnotationMetadataEntryType.ERROR, refusal);
  }
}

/** The message a stack's synth fails with, or undefined when every finding is waived and every waiver used. */
export function refusalMessage(stackName: string, file: string, report: PolicyReport): string | undefined {
  const stale = report.waivers.filter((w) => w.findings.length === 0);
  if (report.violations.length === 0 && stale.length === 0) return undefined;
  const lines = [
    `the ${stackName} stack breaks the security controls checked at synth (README, "Security controls at synth"):`,
  ];
  for (const f of report.violations) {
    lines.push(`  - ${f.control.id} ${f.resource.address}: ${f.problem}`);
  }
  for (const { waiver, index } of stale) {
    lines.push(
      `  - ${file} policy.waivers[${index}]: waives ${waiver.control} on ${JSON.stringify(waiver.resource)}, but no resource matching it breaks ${waiver.control}; remove the waiver or correct its resource address`,
    );
  }
  if (report.violations.length > 0) {
    const first = report.violations[0];
    lines.push(
      `Fix the configuration, or accept a finding on purpose in ${file}: policy: { waivers: [{ control: ${JSON.stringify(first.control.id)}, resource: ${JSON.stringify(first.resource.address)}, reason: "<why, at least 20 characters>" }] }`,
    );
  }
  return lines.join("\n");
}
