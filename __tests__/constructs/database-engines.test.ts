import {
  DATABASE_ENGINES,
  DEFAULT_DATABASE_PORT,
  majorVersionOf,
  parameterGroupFamily,
  tlsAndSlowQueryParameters,
} from "../../src/constructs/database-engines";

describe("DATABASE_ENGINES", () => {
  test("gives each engine its standard port", () => {
    expect([DATABASE_ENGINES.postgres.port, DATABASE_ENGINES.mysql.port]).toEqual([5432, 3306]);
  });

  test("the port of a workspace without a database is PostgreSQL's", () => {
    expect(DEFAULT_DATABASE_PORT).toBe(5432);
  });
});

describe("majorVersionOf", () => {
  test.each([
    ["postgres", "16", "16"],
    ["postgres", "16.4", "16"],
    ["mysql", "8.0", "8.0"],
    ["mysql", "8.0.39", "8.0"],
    ["mysql", "8.4.2", "8.4"],
  ] as const)("%s %s belongs to major %s", (engine, version, major) => {
    expect(majorVersionOf(engine, version)).toBe(major);
  });

  test.each([
    ["postgres", "13"],
    ["postgres", "160"],
    ["postgres", "1"],
    ["mysql", "8"],
    ["mysql", "5.7"],
  ] as const)("%s %s is not a supported version", (engine, version) => {
    expect(majorVersionOf(engine, version)).toBeUndefined();
  });
});

describe("parameterGroupFamily", () => {
  test.each([
    ["postgres", "16", "postgres16"],
    ["mysql", "8.0", "mysql8.0"],
  ] as const)("%s %s is family %s", (engine, major, family) => {
    expect(parameterGroupFamily(engine, major)).toBe(family);
  });
});

describe("tlsAndSlowQueryParameters", () => {
  test("PostgreSQL forces TLS at the next reboot (a static parameter) and logs statements slower than slowQueryMs", () => {
    expect(tlsAndSlowQueryParameters("postgres", 250)).toEqual([
      { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
      { name: "log_min_duration_statement", value: "250", applyMethod: "immediate" },
    ]);
  });

  test("MySQL requires secure transport and logs slow queries with long_query_time in seconds", () => {
    expect(tlsAndSlowQueryParameters("mysql", 1500)).toEqual([
      { name: "require_secure_transport", value: "1", applyMethod: "immediate" },
      { name: "slow_query_log", value: "1", applyMethod: "immediate" },
      { name: "long_query_time", value: "1.5", applyMethod: "immediate" },
    ]);
  });
});
