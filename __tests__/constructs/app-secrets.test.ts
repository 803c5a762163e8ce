import { AppSecrets, AppSecretsProps } from "../../src/constructs/app-secrets";
import { KMS_KEY_ARN, PROJECT, WORKSPACE } from "../../test/construct-fixtures";
import { resourcesOf, synthConstruct } from "../../test/stacks";
import { keysWhere } from "../../test/terraform";

const PROPS: AppSecretsProps = {
  project: PROJECT,
  workspace: WORKSPACE,
  kmsKeyArn: KMS_KEY_ARN,
  secrets: [
    { name: "web-session-key", description: "Signs session cookies", recoveryWindowDays: 7 },
    { name: "stripe-api-key", description: "Stripe API key", recoveryWindowDays: 30 },
  ],
};

describe("AppSecrets", () => {
  let secrets!: AppSecrets;
  const { parsed } = synthConstruct((scope) => {
    secrets = new AppSecrets(scope, "Secrets", PROPS);
  });
  const byName = Object.fromEntries(resourcesOf(parsed, "aws_secretsmanager_secret").map((s) => [String(s.name), s]));

  test("names each secret <project>/<workspace>/<name>", () => {
    expect(Object.keys(byName).sort()).toEqual(["acme/test/stripe-api-key", "acme/test/web-session-key"]);
  });

  test("encrypts every secret with the given KMS key", () => {
    expect(Object.values(byName).map((s) => s.kms_key_id)).toEqual([KMS_KEY_ARN, KMS_KEY_ARN]);
  });

  test("gives each secret its own description and recovery window", () => {
    expect(byName["acme/test/web-session-key"]).toMatchObject({
      description: "Signs session cookies",
      recovery_window_in_days: 7,
    });
    expect(byName["acme/test/stripe-api-key"]).toMatchObject({
      description: "Stripe API key",
      recovery_window_in_days: 30,
    });
  });

  test("creates the secrets empty: no secret version, so no value reaches the synthesized JSON or the state", () => {
    expect(resourcesOf(parsed, "aws_secretsmanager_secret_version")).toEqual([]);
    expect(keysWhere(parsed, (key) => /secret_string|secret_binary/.test(key))).toEqual([]);
  });

  test("exposes each secret by its declared name", () => {
    expect(Object.keys(secrets.secrets)).toEqual(["web-session-key", "stripe-api-key"]);
  });
});
