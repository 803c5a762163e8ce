import { Testing } from "cdktf";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { Database, DatabaseProps } from "../../src/constructs/database";
import { databaseProps, KMS_KEY_ARN } from "../../test/construct-fixtures";
import { attachedPolicyArns, statementsOf } from "../../test/iam";
import { resourcesOf, Synthesized } from "../../test/stacks";
import { addressWith, keysWhere } from "../../test/terraform";

const MYSQL: Partial<DatabaseProps> = {
  engine: "mysql",
  engineVersion: "8.0",
  family: "mysql8.0",
  port: 3306,
  logExports: ["error", "slowquery"],
};

function synthJson(overrides: Partial<DatabaseProps> = {}): string {
  return Testing.synthScope((scope) => new Database(scope, "Database", databaseProps(overrides)));
}

function synthDatabase(overrides: Partial<DatabaseProps> = {}): Synthesized {
  return JSON.parse(synthJson(overrides)) as Synthesized;
}

function instanceOf(parsed: Synthesized): Record<string, unknown> {
  const [instance] = resourcesOf(parsed, "aws_db_instance");
  return instance;
}

describe("Database instance", () => {
  const json = synthJson();
  const instance = instanceOf(JSON.parse(json) as Synthesized);

  test("is not publicly accessible", () => {
    expect(json).toHaveResourceWithProperties(DbInstance, { publicly_accessible: false });
  });

  test("encrypts its storage with the given KMS key", () => {
    expect(json).toHaveResourceWithProperties(DbInstance, { storage_encrypted: true, kms_key_id: KMS_KEY_ARN });
  });

  test("uses gp3 storage that can grow to maxAllocatedStorageGb", () => {
    const parsed = synthDatabase({ allocatedStorageGb: 50, maxAllocatedStorageGb: 500 });
    expect(instanceOf(parsed)).toMatchObject({
      storage_type: "gp3",
      allocated_storage: 50,
      max_allocated_storage: 500,
    });
  });

  test("lets RDS manage the master password and never sets one", () => {
    expect(instance.manage_master_user_password).toBe(true);
    expect(instance).not.toHaveProperty("password");
    expect(keysWhere(instance, (k) => /password/i.test(k) && k !== "manage_master_user_password")).toEqual([]);
  });

  test("encrypts the RDS-managed master user secret with the given KMS key", () => {
    expect(instance.master_user_secret_kms_key_id).toBe(KMS_KEY_ARN);
  });

  test("runs in the database subnets behind its own security group", () => {
    const parsed = synthDatabase();
    const [subnetGroup] = resourcesOf(parsed, "aws_db_subnet_group");
    expect(subnetGroup.subnet_ids).toEqual(["subnet-aaaa", "subnet-bbbb"]);
    const sg = addressWith(parsed, "aws_security_group", "name", "acme-test-db");
    expect(instance.vpc_security_group_ids).toEqual([`\${${sg}.id}`]);
  });
});

describe("Database parameter group", () => {
  test("forces TLS on PostgreSQL with rds.force_ssl=1", () => {
    expect(synthJson()).toHaveResourceWithProperties(DbParameterGroup, {
      family: "postgres16",
      parameter: expect.arrayContaining([expect.objectContaining({ name: "rds.force_ssl", value: "1" })]),
    });
  });

  test("logs PostgreSQL statements slower than slowQueryMs", () => {
    const [group] = resourcesOf(synthDatabase({ slowQueryMs: 250 }), "aws_db_parameter_group");
    expect(group.parameter).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "log_min_duration_statement", value: "250" })]),
    );
  });

  test("forces TLS on MySQL with require_secure_transport=1", () => {
    expect(synthJson(MYSQL)).toHaveResourceWithProperties(DbParameterGroup, {
      family: "mysql8.0",
      parameter: expect.arrayContaining([expect.objectContaining({ name: "require_secure_transport", value: "1" })]),
    });
  });

  test("turns on the MySQL slow query log with slowQueryMs as long_query_time in seconds", () => {
    const [group] = resourcesOf(synthDatabase({ ...MYSQL, slowQueryMs: 1500 }), "aws_db_parameter_group");
    expect(group.parameter).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "slow_query_log", value: "1" }),
        expect.objectContaining({ name: "long_query_time", value: "1.5" }),
      ]),
    );
  });

  test("is the instance's parameter group", () => {
    const parsed = synthDatabase();
    const group = addressWith(parsed, "aws_db_parameter_group", "family", "postgres16");
    expect(instanceOf(parsed).parameter_group_name).toBe(`\${${group}.name}`);
  });
});

describe("Database logs", () => {
  test.each([
    ["postgres", {}, ["postgresql", "upgrade"]],
    ["mysql", MYSQL, ["error", "slowquery"]],
  ] as const)("exports the %s logs to CloudWatch", (_engine, overrides, exports) => {
    expect(instanceOf(synthDatabase(overrides)).enabled_cloudwatch_logs_exports).toEqual(exports);
  });
});

describe("Database resilience follows props", () => {
  test.each([true, false])("deletion protection is %s when asked", (on) => {
    expect(instanceOf(synthDatabase({ deletionProtection: on })).deletion_protection).toBe(on);
  });

  test.each([true, false])("multi-AZ is %s when asked", (on) => {
    expect(instanceOf(synthDatabase({ multiAz: on })).multi_az).toBe(on);
  });

  test("keeps automated backups for backupRetentionDays in the backup window", () => {
    expect(instanceOf(synthDatabase({ backupRetentionDays: 14, backupWindow: "01:00-02:00" }))).toMatchObject({
      backup_retention_period: 14,
      backup_window: "01:00-02:00",
    });
  });

  test("takes a named final snapshot when finalSnapshot is on", () => {
    const instance = instanceOf(synthDatabase({ finalSnapshot: true }));
    expect(instance.skip_final_snapshot).toBe(false);
    expect(instance.final_snapshot_identifier).toBe("acme-test-db-final");
  });

  test("skips the final snapshot, and names none, when finalSnapshot is off", () => {
    const instance = instanceOf(synthDatabase({ finalSnapshot: false }));
    expect(instance.skip_final_snapshot).toBe(true);
    expect(instance).not.toHaveProperty("final_snapshot_identifier");
  });
});

describe("Database monitoring", () => {
  test("has no enhanced monitoring role when the interval is 0", () => {
    const parsed = synthDatabase({ monitoringIntervalSeconds: 0 });
    expect(resourcesOf(parsed, "aws_iam_role")).toEqual([]);
    expect(instanceOf(parsed).monitoring_interval).toBe(0);
    expect(instanceOf(parsed)).not.toHaveProperty("monitoring_role_arn");
  });

  test("with an interval, publishes through a role RDS monitoring assumes, holding the AWS managed policy", () => {
    const parsed = synthDatabase({ monitoringIntervalSeconds: 60 });
    const role = addressWith(parsed, "aws_iam_role", "name", "acme-test-db-monitoring");
    expect(instanceOf(parsed)).toMatchObject({ monitoring_interval: 60, monitoring_role_arn: `\${${role}.arn}` });
    expect(attachedPolicyArns(parsed, role)).toEqual([
      "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    ]);
    const trust = statementsOf(parsed, parsed.resource.aws_iam_role[role.split(".")[1]].assume_role_policy);
    expect(trust.flatMap((s) => s.principals ?? [])).toEqual([
      { type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] },
    ]);
  });

  test("Performance Insights is off, with no key, unless enabled", () => {
    const instance = instanceOf(synthDatabase({ performanceInsights: false }));
    expect(instance.performance_insights_enabled).toBe(false);
    expect(instance).not.toHaveProperty("performance_insights_kms_key_id");
  });

  test("Performance Insights, when enabled, is encrypted with the given KMS key", () => {
    expect(instanceOf(synthDatabase({ performanceInsights: true }))).toMatchObject({
      performance_insights_enabled: true,
      performance_insights_kms_key_id: KMS_KEY_ARN,
    });
  });
});

describe("Database connection parameters", () => {
  const parsed = synthDatabase();
  const byName = Object.fromEntries(resourcesOf(parsed, "aws_ssm_parameter").map((p) => [p.name, p]));

  test("publishes HOST, PORT, NAME and ENGINE under /acme/test/database/", () => {
    expect(Object.keys(byName).sort()).toEqual(
      ["ENGINE", "HOST", "NAME", "PORT"].map((n) => `/acme/test/database/${n}`),
    );
  });

  test("HOST is the instance's address and the others are the configured values, as plain strings", () => {
    const instance = addressWith(parsed, "aws_db_instance", "identifier", "acme-test-db");
    expect(byName["/acme/test/database/HOST"]).toMatchObject({ type: "String", value: `\${${instance}.address}` });
    expect(byName["/acme/test/database/PORT"]).toMatchObject({ type: "String", value: "5432" });
    expect(byName["/acme/test/database/NAME"]).toMatchObject({ type: "String", value: "app" });
    expect(byName["/acme/test/database/ENGINE"]).toMatchObject({ type: "String", value: "postgres" });
  });
});
