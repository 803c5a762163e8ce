/**
 * npm run drift -- <workspace> [--read-only] [--verbose] [--no-assume-role]
 *
 * Whether a workspace's real resources still match its code: a plan (what an apply would change back), plus the
 * rules added by hand to managed security groups and network ACLs, which no plan shows (see scripts/lib/drift.ts).
 */
import { DescribeNetworkAclsCommand, DescribeSecurityGroupRulesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { planRoleName } from "../src/naming";
import {
  AWS_OPTIONS,
  AWS_OPTIONS_USAGE,
  findWorkspace,
  loadProjectEnvironments,
  main,
  UsageError,
  workspaceClientConfig,
} from "./lib/cli";
import {
  driftReport,
  extraNetworkAclEntries,
  extraSecurityGroupRules,
  hasDrift,
  LiveNetworkAcl,
  LiveSecurityGroupRule,
  managedRules,
  ShownPlanState,
} from "./lib/drift";
import { summarizePlan } from "./lib/plan-summary";
import { planWorkspace } from "./lib/stack-plan";
import { requireTerraform } from "./lib/terraform";

const EXIT_DRIFT = 3;

const USAGE = `Usage: npm run drift -- <workspace> [--read-only] [--verbose] [--no-assume-role]

Checks whether a workspace's resources still match its code. Runs terraform plan (refreshing every resource)
and lists what an apply would change back; then lists what no plan can show: rules added by hand to the
stack's security groups and network ACLs (the stacks manage each rule as its own resource, so a rule that
belongs to no resource is invisible to terraform). Expected runtime changes (desired counts, released task
definitions, blue/green weights) are ignored by the stacks and not reported.

  workspace          a workspace from environments/
  --read-only        as the workspace's CI plan role (what the Drift workflow runs): state read through the
                     read-only state role, no lock taken, nothing can be written
  --verbose          stream terraform's own output
${AWS_OPTIONS_USAGE}

Exit codes: 0 no drift; 3 drift found (the report names each change); 1 terraform or AWS failed;
2 usage error or an invalid environment file.`;

main(
  {
    usage: USAGE,
    positionals: ["workspace"],
    options: { ...AWS_OPTIONS, "read-only": { type: "boolean" }, verbose: { type: "boolean" } },
  },
  async ({ positionals, values }) => {
    const environments = loadProjectEnvironments();
    const workspace = findWorkspace(environments, positionals[0]);
    const readOnly = values["read-only"] ?? false;
    if (readOnly && !workspace.ci) {
      throw new UsageError(`--read-only needs the workspace's CI plan role: add a ci section to ${workspace.file}`);
    }
    await requireTerraform();
    const verbose = values.verbose ?? false;
    const log = (line: string) => {
      if (verbose || line.startsWith("==> ")) console.error(line);
    };
    const plan = await planWorkspace(environments, workspace, { readOnly, log, purpose: "drift" });
    const shown = plan.shown as ShownPlanState & Parameters<typeof summarizePlan>[0];
    const managed = managedRules(shown);

    console.error(`==> ${workspace.name}: reading the security group rules and network ACLs`);
    const ec2 = new EC2Client(
      workspaceClientConfig(workspace, {
        assumeRole: !values["no-assume-role"],
        roleName: readOnly ? planRoleName(workspace.namePrefix) : undefined,
        sessionName: `${workspace.namePrefix}-drift`,
      }),
    );
    const liveRules: LiveSecurityGroupRule[] = [];
    const groupIds = [...managed.securityGroups.keys()];
    for (let i = 0; i < groupIds.length; i += 200) {
      let NextToken: string | undefined;
      do {
        const page = await ec2.send(
          new DescribeSecurityGroupRulesCommand({
            Filters: [{ Name: "group-id", Values: groupIds.slice(i, i + 200) }],
            NextToken,
          }),
        );
        liveRules.push(...(page.SecurityGroupRules ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
    }
    const liveAcls: LiveNetworkAcl[] = [];
    const aclIds = [...managed.networkAcls.keys()];
    if (aclIds.length > 0) {
      let NextToken: string | undefined;
      do {
        const page = await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: aclIds, NextToken }));
        liveAcls.push(...(page.NetworkAcls ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
    }

    const findings = {
      planned: summarizePlan(shown).changes,
      extraSecurityGroupRules: extraSecurityGroupRules(managed, liveRules),
      extraNetworkAclEntries: extraNetworkAclEntries(managed, liveAcls),
    };
    console.log(driftReport(workspace.name, findings));
    return hasDrift(findings) ? EXIT_DRIFT : 0;
  },
);
