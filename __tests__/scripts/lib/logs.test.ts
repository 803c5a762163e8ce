import {
  FilterLogEventsInput,
  formatEvent,
  LogEvent,
  logGroupOf,
  parseSince,
  readLogs,
} from "../../../scripts/lib/logs";
import { fixtureWorkspace } from "../../../test/workspace-fixtures";

/** A log group whose events appear over time: `batches[i]` is there from poll i on. */
function fakeApi(batches: LogEvent[][], pageSize = 2) {
  const calls: FilterLogEventsInput[] = [];
  let poll = -1;
  return {
    calls,
    api: {
      filterLogEvents(input: FilterLogEventsInput) {
        if (input.nextToken === undefined) poll++;
        calls.push(input);
        const visible = batches
          .slice(0, poll + 1)
          .flat()
          .filter((e) => (e.timestamp ?? 0) >= (input.startTime ?? 0))
          .filter((e) => !input.filterPattern || (e.message ?? "").includes(input.filterPattern));
        const offset = Number(input.nextToken ?? 0);
        const page = visible.slice(offset, offset + pageSize);
        const more = offset + pageSize < visible.length;
        return Promise.resolve({ events: page, nextToken: more ? String(offset + pageSize) : undefined });
      },
    },
  };
}

const event = (id: string, timestamp: number, message: string): LogEvent => ({
  eventId: id,
  timestamp,
  message,
  logStreamName: "api/api/abc",
});

describe("parseSince", () => {
  test.each([
    ["30s", 30_000],
    ["15m", 900_000],
    ["1h", 3_600_000],
    ["2d", 172_800_000],
  ])("%s is %i ms", (value, ms) => expect(parseSince(value)).toBe(ms));

  test.each(["1", "h", "0m", "1.5h", "-1h", "1w"])("refuses %s", (value) => {
    expect(() => parseSince(value)).toThrow(/--since needs a whole number above 0 and a unit/);
  });
});

describe("logGroupOf", () => {
  const ws = fixtureWorkspace();

  test("is the service's log group, or the maintenance task's", () => {
    expect(logGroupOf(ws, "api")).toBe("/ecs/acme-stage/api");
    expect(logGroupOf(ws, "maintenance")).toBe("/ecs/acme-stage/maintenance");
  });

  test("an unknown service lists the valid names", () => {
    expect(() => logGroupOf(ws, "db")).toThrow(
      /No service "db" in workspace stage .*expected one of web, api, worker, maintenance/,
    );
  });
});

describe("readLogs", () => {
  test("prints every page of events from the start time, oldest first, once", async () => {
    const { api, calls } = fakeApi([[event("1", 1000, "a"), event("2", 2000, "b\n"), event("3", 3000, "c")]]);
    const lines: string[] = [];
    const printed = await readLogs({
      api,
      logGroupName: "/ecs/x/api",
      startTime: 1500,
      follow: false,
      out: (l) => lines.push(l),
    });
    expect(printed).toBe(2);
    expect(lines).toEqual([formatEvent(event("2", 2000, "b")), formatEvent(event("3", 3000, "c"))]);
    expect(lines[0]).toBe("1970-01-01T00:00:02.000Z api/api/abc  b");
    expect(calls.every((c) => c.logGroupName === "/ecs/x/api")).toBe(true);
  });

  test("passes the filter pattern on", async () => {
    const { api, calls } = fakeApi([[event("1", 1000, "ERROR x"), event("2", 2000, "ok")]]);
    const lines: string[] = [];
    await readLogs({
      api,
      logGroupName: "g",
      startTime: 0,
      filterPattern: "ERROR",
      follow: false,
      out: (l) => lines.push(l),
    });
    expect(calls[0].filterPattern).toBe("ERROR");
    expect(lines).toHaveLength(1);
  });

  test("following polls from the newest event and prints new ones once, same-millisecond ones too", async () => {
    const { api, calls } = fakeApi([
      [event("1", 1000, "first")],
      [event("2", 1000, "same millisecond"), event("3", 2000, "later")],
      [],
    ]);
    const lines: string[] = [];
    const sleeps: number[] = [];
    let polls = 0;
    await readLogs({
      api,
      logGroupName: "g",
      startTime: 0,
      follow: true,
      out: (l) => lines.push(l),
      sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
      stop: () => ++polls >= 3,
      intervalMs: 5,
    });
    expect(lines.map((l) => l.split("  ")[1])).toEqual(["first", "same millisecond", "later"]);
    expect(sleeps).toEqual([5, 5]);
    expect(calls.filter((c) => !c.nextToken).map((c) => c.startTime)).toEqual([0, 1000, 2000]);
  });
});
