/** What a Terraform plan would do, from `terraform show -json <planfile>`, for people and pull-request comments. */

export interface PlannedChange {
  /** e.g. "aws_ecs_service.Workload_Service-api_Service_CA9A995F" */
  readonly address: string;
  /** "create", "update", "delete", "replace" or "read". */
  readonly action: string;
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Replacements count once here and once each in add and destroy, as terraform counts them. */
  readonly replace: number;
  readonly changes: PlannedChange[];
  /** Resources whose real state differs from the last apply (what the refresh found). */
  readonly drift: PlannedChange[];
}

interface ShownPlan {
  resource_changes?: { address: string; change: { actions: string[] } }[];
  resource_drift?: { address: string; change: { actions: string[] } }[];
}

function actionOf(actions: string[]): string {
  if (actions.includes("create") && actions.includes("delete")) return "replace";
  return actions[0] ?? "no-op";
}

export function summarizePlan(shown: ShownPlan): PlanSummary {
  const changes = (shown.resource_changes ?? [])
    .map((c) => ({ address: c.address, action: actionOf(c.change.actions) }))
    .filter((c) => c.action !== "no-op" && c.action !== "read");
  const drift = (shown.resource_drift ?? []).map((c) => ({ address: c.address, action: actionOf(c.change.actions) }));
  const count = (action: string) => changes.filter((c) => c.action === action).length;
  const replace = count("replace");
  return {
    add: count("create") + replace,
    change: count("update"),
    destroy: count("delete") + replace,
    replace,
    changes,
    drift,
  };
}

export function summaryLine(summary: PlanSummary): string {
  if (summary.changes.length === 0) return "no changes";
  const replaced = summary.replace > 0 ? ` (${summary.replace} replaced)` : "";
  return `${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy${replaced}`;
}

/** Markdown for a pull request or a job summary. */
export function summaryMarkdown(stack: string, summary: PlanSummary): string {
  const lines = [`#### \`${stack}\`: ${summaryLine(summary)}`, ""];
  if (summary.changes.length > 0) {
    lines.push(
      "| action | resource |",
      "| --- | --- |",
      ...summary.changes.map((c) => `| ${c.action} | \`${c.address}\` |`),
      "",
    );
  }
  if (summary.drift.length > 0) {
    lines.push(
      `Changed outside Terraform since the last apply (${summary.drift.length}):`,
      "",
      ...summary.drift.map((c) => `- \`${c.address}\` (${c.action})`),
      "",
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
