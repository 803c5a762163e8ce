import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";

/** Temporary credentials of a role, through the given STS client (whose own credentials must be allowed to assume it). */
export async function assumeRoleCredentials(
  sts: Pick<STSClient, "send">,
  role: { roleArn: string; sessionName: string },
): Promise<AwsCredentialIdentity> {
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: role.roleArn, RoleSessionName: role.sessionName }),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) {
    throw new Error(`assuming ${role.roleArn} returned no credentials`);
  }
  return {
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretAccessKey,
    sessionToken: Credentials.SessionToken,
    expiration: Credentials.Expiration,
  };
}
