import { configIssue, DEV_FILE, validateChanged } from "../../test/fixtures";

describe("alarms, notifications and operators", () => {
  test("alarms are on by default, with the schema's thresholds", () => {
    const ws = validateChanged("dev", (ws) => delete ws.alarms)();
    expect(ws.alarms.enabled).toBe(true);
    expect(ws.alarms.services.cpuPercent).toBe(85);
    expect(ws.alarms.database.freeStorageGb).toBe(2);
    expect(ws.alarms.natGateway.portAllocationErrors).toBe(0);
    expect(ws.services[0].alarms).toEqual({ enabled: true });
  });

  test("a service keeps its own overrides", () => {
    const ws = validateChanged("dev", (ws) => (ws.services[1].alarms = { cpuPercent: 95, target5xxCount: 50 }))();
    expect(ws.services[1].alarms).toEqual({ enabled: true, cpuPercent: 95, target5xxCount: 50 });
  });

  test("an invalid e-mail address is refused", () => {
    expect(validateChanged("dev", (ws) => (ws.notifications = { emails: ["oncall.example.com"] }))).toThrow(
      configIssue(
        DEV_FILE,
        "notifications.emails[0]",
        /"oncall.example.com" is not an e-mail address; expected e\.g\./,
      ),
    );
  });

  test("a plain-http endpoint is refused", () => {
    expect(
      validateChanged("dev", (ws) => (ws.notifications = { httpsEndpoints: ["http://hooks.example.com/alarms"] })),
    ).toThrow(
      configIssue(
        DEV_FILE,
        "notifications.httpsEndpoints[0]",
        /"http:\/\/hooks.example.com\/alarms" is not an HTTPS URL/,
      ),
    );
  });

  test("a negative threshold is refused", () => {
    expect(validateChanged("dev", (ws) => (ws.services[0].alarms = { target5xxCount: -1 }))).toThrow(
      configIssue(DEV_FILE, "services[0].alarms.target5xxCount", /-1 is too small; expected at least 0/),
    );
    expect(validateChanged("dev", (ws) => (ws.alarms = { database: { freeStorageGb: -5 } }))).toThrow(
      configIssue(DEV_FILE, "alarms.database.freeStorageGb", /-5 is too small; expected at least 0/),
    );
  });

  test("an unknown metric is refused with the valid ones", () => {
    expect(validateChanged("dev", (ws) => (ws.services[0].alarms = { diskPercent: 90 }))).toThrow(
      configIssue(
        DEV_FILE,
        "services[0].alarms.diskPercent",
        /unknown field; valid fields here: enabled, cpuPercent, memoryPercent, target5xxCount, responseTimeP95Seconds, responseTimeP99Seconds, unhealthyHosts/,
      ),
    );
    expect(validateChanged("dev", (ws) => (ws.alarms = { database: { iops: 1 } }))).toThrow(
      configIssue(DEV_FILE, "alarms.database.iops", /unknown field; valid fields here: cpuPercent, freeStorageGb/),
    );
  });

  test("a period that is not whole minutes is refused", () => {
    expect(validateChanged("dev", (ws) => (ws.alarms = { periodSeconds: 90 }))).toThrow(
      configIssue(DEV_FILE, "alarms.periodSeconds", /.*multiple of 60/),
    );
  });

  test("operators must be principal ARNs", () => {
    expect(validateChanged("dev", (ws) => (ws.operators = ["alice"]))).toThrow(
      configIssue(DEV_FILE, "operators[0]", /must be an IAM principal ARN/),
    );
  });
});
