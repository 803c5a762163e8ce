import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Client settings for the emulator, as a given account (through an assumed role, as Terraform does). */
export async function credentialsFor(endpoint: string, region: string, accountId: string, roleName: string): Promise<AwsCredentialIdentity> {
  const sts = new STSClient({ endpoint, region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: "e2e-check" }),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) throw new Error("AssumeRole returned no credentials");
  return {
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretAccessKey,
    sessionToken: Credentials.SessionToken,
  };
}

export function clientConfig(endpoint: string, region: string, credentials: AwsCredentialIdentity) {
  return { endpoint, region, credentials, forcePathStyle: true };
}
