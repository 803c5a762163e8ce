import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { WorkspaceConfig } from "../../src/config";
import { roleArn } from "../../src/naming";

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsClientConfig {
  readonly region: string;
  readonly credentials?: AwsCredentials;
}

/**
 * Client settings for a workspace's account: like the stacks' provider, assume the workspace's deploy role unless
 * told to use the caller's own credentials. Endpoints come from the environment (AWS_ENDPOINT_URL), so the same code
 * runs against the local emulator and real AWS.
 */
export async function workspaceClientConfig(
  workspace: WorkspaceConfig,
  options: { assumeRole: boolean; sessionName: string },
): Promise<AwsClientConfig> {
  if (!options.assumeRole) return { region: workspace.region };
  const credentials = await assumeRoleCredentials(new STSClient({ region: workspace.region }), {
    roleArn: roleArn(workspace.accountId, workspace.deployRoleName),
    sessionName: options.sessionName,
  });
  return { region: workspace.region, credentials };
}

/** Temporary credentials of a role, through the given STS client (whose own credentials must be allowed to assume it). */
export async function assumeRoleCredentials(
  sts: STSClient,
  role: { roleArn: string; sessionName: string },
): Promise<AwsCredentials> {
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: role.roleArn, RoleSessionName: role.sessionName }),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey)
    throw new Error(`assuming ${role.roleArn} returned no credentials`);
  return {
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretAccessKey,
    sessionToken: Credentials.SessionToken,
  };
}
