import type { ConfigIssue } from "./load";
import type { CiSettings, WorkspaceSettings } from "./schema";

/**
 * Checks of a workspace's `ci` section that span fields: who may release to production, and that a role is trusted
 * by someone at all.
 */
export function checkCi(ws: WorkspaceSettings, issues: ConfigIssue[]): void {
  const ci: CiSettings | undefined = ws.ci;
  if (!ci) return;
  if (ws.production && ci.release.refs.length > 0) {
    issues.push({
      field: "ci.release.refs",
      message:
        `a production workspace releases only from a protected GitHub environment, not from a ref (${ci.release.refs.join(", ")}); ` +
        `remove the refs and list the environment in ci.release.environments (with required reviewers in GitHub)`,
    });
  }
  if (ci.release.environments.length === 0 && ci.release.refs.length === 0) {
    issues.push({
      field: "ci.release",
      message: "no GitHub environment or ref may release, so the release role would trust nobody; list at least one",
    });
  }
  if (!ci.plan.pullRequests && ci.plan.refs.length === 0) {
    issues.push({
      field: "ci.plan",
      message: "no pull request or ref may plan, so the plan role would trust nobody; set pullRequests or list a ref",
    });
  }
  ci.release.promoteFrom.forEach((name, i) => {
    if (name === ws.name) {
      issues.push({ field: `ci.release.promoteFrom[${i}]`, message: "a workspace cannot promote from itself" });
    }
  });
  const repositories = [ci.repository, ...ci.applicationRepositories];
  repositories.forEach((repo, i) => {
    const first = repositories.findIndex((r) => r.toLowerCase() === repo.toLowerCase());
    if (first !== i) {
      issues.push({
        field: `ci.applicationRepositories[${i - 1}]`,
        message: `"${repo}" is already listed${first === 0 ? " as ci.repository" : ""}; list each repository once`,
      });
    }
  });
}

/** What the set-level check needs of a workspace. */
interface CiWorkspace {
  readonly name: string;
  readonly file: string;
  readonly accountId: string;
  readonly registry: { readonly pullAccountIds: readonly string[] };
  readonly ci?: CiSettings;
}

/** Set-level: the workspaces a release promotes from exist and let this workspace's account pull. */
export function checkCiAcrossWorkspaces(ws: CiWorkspace, byName: ReadonlyMap<string, CiWorkspace>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  (ws.ci?.release.promoteFrom ?? []).forEach((name, i) => {
    const field = `ci.release.promoteFrom[${i}]`;
    const source = byName.get(name);
    if (!source) {
      const others = [...byName.keys()].filter((n) => n !== ws.name);
      issues.push({
        field,
        message: `no workspace is named "${name}"; expected one of ${others.join(", ") || "(none)"}`,
      });
    } else if (source.accountId !== ws.accountId && !source.registry.pullAccountIds.includes(ws.accountId)) {
      issues.push({
        field,
        message:
          `workspace "${name}" does not let account ${ws.accountId} pull its images; add "${ws.accountId}" to ` +
          `registry.pullAccountIds in ${source.file}`,
      });
    }
  });
  return issues;
}
