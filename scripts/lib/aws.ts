import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { WorkspaceConfig } from "../../src/config";

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
  const sts = new STSClient({ region: workspace.region });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${workspace.accountId}:role/${workspace.deployRoleName}`,
      RoleSessionName: options.sessionName,
    }),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) {
    throw new Error(`assuming ${workspace.deployRoleName} in ${workspace.accountId} returned no credentials`);
  }
  return {
    region: workspace.region,
    credentials: {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
    },
  };
}
