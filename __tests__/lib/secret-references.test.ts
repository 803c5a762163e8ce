import { ReferenceTargets, referencesDatabase, resolveSecretReferences } from "../../src/lib/secret-references";

const SESSION_KEY = "arn:aws:secretsmanager:us-east-1:222222222222:secret:acme/test/web-session-key-AbCdEf";
const MASTER_SECRET = "arn:aws:secretsmanager:us-east-1:222222222222:secret:rds!db-0123-AbCdEf";
const API_LOG_LEVEL = "arn:aws:ssm:us-east-1:222222222222:parameter/acme/test/api/LOG_LEVEL";
const DATABASE_HOST = "arn:aws:ssm:us-east-1:222222222222:parameter/acme/test/database/HOST";

const TARGETS: ReferenceTargets = {
  secrets: { "web-session-key": SESSION_KEY },
  parameters: { "api/LOG_LEVEL": API_LOG_LEVEL, "database/HOST": DATABASE_HOST },
  databaseSecretArn: MASTER_SECRET,
};

describe("resolveSecretReferences", () => {
  test("a declared secret is read whole from its ARN", () => {
    expect(resolveSecretReferences("web", { KEY: { secret: "web-session-key" } }, TARGETS)).toEqual({
      KEY: { kind: "secretsmanager", resourceArn: SESSION_KEY, valueFrom: SESSION_KEY },
    });
  });

  test("a key of a JSON secret is read as <arn>:<key>::, while IAM is granted the secret's ARN", () => {
    expect(resolveSecretReferences("web", { KEY: { secret: "web-session-key", key: "current" } }, TARGETS)).toEqual({
      KEY: { kind: "secretsmanager", resourceArn: SESSION_KEY, valueFrom: `${SESSION_KEY}:current::` },
    });
  });

  test("a parameter without a component is the service's own", () => {
    expect(resolveSecretReferences("api", { LOG_LEVEL: { parameter: "LOG_LEVEL" } }, TARGETS)).toEqual({
      LOG_LEVEL: { kind: "ssm", resourceArn: API_LOG_LEVEL, valueFrom: API_LOG_LEVEL },
    });
  });

  test("a <component>/NAME parameter is another component's", () => {
    expect(resolveSecretReferences("worker", { HOST: { parameter: "database/HOST" } }, TARGETS)).toEqual({
      HOST: { kind: "ssm", resourceArn: DATABASE_HOST, valueFrom: DATABASE_HOST },
    });
  });

  test.each(["username", "password"] as const)("the database %s is one field of the RDS-managed secret", (field) => {
    expect(resolveSecretReferences("api", { VALUE: { databaseSecret: field } }, TARGETS)).toEqual({
      VALUE: { kind: "secretsmanager", resourceArn: MASTER_SECRET, valueFrom: `${MASTER_SECRET}:${field}::` },
    });
  });

  test("resolves nothing when the service references nothing", () => {
    expect(resolveSecretReferences("web", {}, TARGETS)).toEqual({});
  });

  test("refuses a secret that is not declared, naming the service and the variable", () => {
    expect(() => resolveSecretReferences("web", { TOKEN: { secret: "github-token" } }, TARGETS)).toThrow(
      /^web: TOKEN references secret "github-token", which does not exist$/,
    );
  });

  test("refuses a parameter that does not exist, naming it with its component", () => {
    expect(() => resolveSecretReferences("web", { LEVEL: { parameter: "LOG_LEVEL" } }, TARGETS)).toThrow(
      /^web: LEVEL references parameter "web\/LOG_LEVEL", which does not exist$/,
    );
  });

  test("refuses a database secret when there is no database", () => {
    const noDatabase = { ...TARGETS, databaseSecretArn: undefined };
    expect(() => resolveSecretReferences("api", { PASSWORD: { databaseSecret: "password" } }, noDatabase)).toThrow(
      /^api: PASSWORD references the database secret, which does not exist$/,
    );
  });
});

describe("referencesDatabase", () => {
  test("is true for the database credentials", () => {
    expect(referencesDatabase({ PASSWORD: { databaseSecret: "password" } })).toBe(true);
  });

  test("is true for a database endpoint parameter", () => {
    expect(referencesDatabase({ PORT: { parameter: "database/PORT" } })).toBe(true);
  });

  test("is false for declared secrets and the service's own parameters, even ones named like the database", () => {
    expect(
      referencesDatabase({
        KEY: { secret: "database-url" },
        URL: { parameter: "DATABASE_URL" },
        X: { parameter: "api/X" },
      }),
    ).toBe(false);
  });

  test("is false when nothing is referenced", () => {
    expect(referencesDatabase({})).toBe(false);
  });
});
