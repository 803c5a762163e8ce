import { Construct } from "constructs";
import { S3Backend, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ProjectConfig } from "../config";
import { roleArn } from "../naming";

/** Value of the `ManagedBy` tag on everything this project creates. */
export const MANAGED_BY = "cdktf";

/** The Terraform variable that names the role a workspace's provider assumes. */
export const DEPLOY_ROLE_VARIABLE = "deploy_role_arn";

export interface AccountProviderProps {
  readonly region: string;
  readonly accountId: string;
  /** Role to assume in the account; without one the caller's credentials are used. */
  readonly roleName?: string;
  /**
   * Let the role be overridden with the Terraform variable `deploy_role_arn` (default: the role above): read-only
   * plans run as the workspace's plan role, which assumes itself instead of the deploy role.
   * @default false
   */
  readonly roleVariable?: boolean;
  readonly sessionName: string;
  readonly tags: Record<string, string>;
}

/**
 * The AWS provider for one account: it assumes the account's deploy role and refuses to run against any other
 * account (`allowed_account_ids`), so a wrong profile fails at plan instead of creating resources in the wrong place.
 */
export function accountProvider(scope: Construct, props: AccountProviderProps): AwsProvider {
  let role = props.roleName ? roleArn(props.accountId, props.roleName) : undefined;
  if (role && props.roleVariable) {
    role = new TerraformVariable(scope, DEPLOY_ROLE_VARIABLE, {
      type: "string",
      default: role,
      description: "Role the provider assumes in the workspace's account (read-only plans pass the plan role)",
    }).stringValue;
  }
  return new AwsProvider(scope, "aws", {
    region: props.region,
    allowedAccountIds: [props.accountId],
    assumeRole: role ? [{ roleArn: role, sessionName: props.sessionName }] : undefined,
    defaultTags: [{ tags: props.tags }],
  });
}

export interface StateBackendProps {
  /** Object key of this stack's state. */
  readonly key: string;
  /** Role in the master account the backend assumes; without one the caller's credentials are used. */
  readonly roleName?: string;
}

/**
 * S3 backend in the master account's state bucket, locked both by the DynamoDB table and by S3's native lockfile
 * (`use_lockfile`, Terraform >= 1.10), so teams can drop DynamoDB locking later without a window with no lock.
 */
export function useStateBackend(stack: TerraformStack, project: ProjectConfig, props: StateBackendProps): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: project.stateBucketName,
    key: props.key,
    region: project.region,
    encrypt: true,
    dynamodbTable: project.lockTableName,
    allowedAccountIds: [project.masterAccountId],
    assumeRole: props.roleName ? { roleArn: roleArn(project.masterAccountId, props.roleName) } : undefined,
  });
  // cdktf 0.21 has no typed field for use_lockfile.
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
  return backend;
}
