import * as fs from "fs";
import { describeSamples, median, parseTimeLine, ratio, writeScaledEnvironments } from "../../../scripts/lib/bench";
import { loadEnvironments } from "../../../src/config";
import { PROJECT_ROOT } from "../../../test/stacks";

describe("median", () => {
  test("is the middle value, the lower middle one for an even count, whatever the order", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2);
  });

  test("refuses no values", () => {
    expect(() => median([])).toThrow(/median of no values/);
  });
});

describe("describeSamples and ratio", () => {
  const fast = [
    { wallMs: 1000, cpuMs: 900 },
    { wallMs: 1200, cpuMs: 1000 },
    { wallMs: 1100, cpuMs: 950 },
  ];
  const slow = fast.map((s) => ({ wallMs: s.wallMs * 2, cpuMs: s.cpuMs * 3 }));

  test("print the median, the spread and the CPU", () => {
    expect(describeSamples(fast)).toBe("median 1100 ms wall (min 1000, max 1200), 950 ms CPU, 3 runs");
  });

  test("leave the CPU out when a sample lacks it", () => {
    expect(describeSamples([{ wallMs: 10 }])).toBe("median 10 ms wall (min 10, max 10), 1 runs");
    expect(ratio([{ wallMs: 20 }], [{ wallMs: 10, cpuMs: 5 }])).toBe("2.00x wall");
  });

  test("compare medians, wall and CPU", () => {
    expect(ratio(slow, fast)).toBe("2.00x wall, 3.00x CPU");
  });
});

describe("parseTimeLine", () => {
  test("reads GNU time's last line as wall and user + system CPU", () => {
    expect(parseTimeLine("some output\nBENCH-TIME 2.50 1.25 0.25\n")).toEqual({ wallMs: 2500, cpuMs: 1500 });
  });

  test("is undefined when the command's own output ends the stream", () => {
    expect(parseTimeLine("BENCH-TIME 2.50 1.25 0.25\nCommand exited with non-zero status 1")).toBeUndefined();
  });
});

describe("writeScaledEnvironments", () => {
  test.each([2, 10, 30])("writes bootstrap and a dev workspace of %i valid services", (count) => {
    const dir = writeScaledEnvironments(count);
    try {
      const { workspaces } = loadEnvironments(dir, PROJECT_ROOT);
      expect(workspaces.map((ws) => ws.name)).toEqual(["dev"]);
      const services = workspaces[0].services;
      expect(services).toHaveLength(count);
      expect(new Set(services.map((s) => s.name)).size).toBe(count);
      expect(new Set(services.map((s) => s.port))).toEqual(new Set([3000, 8080]));
      if (count > 2) expect(services.some((s) => !s.public)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("refuses fewer than dev's own two services", () => {
    expect(() => writeScaledEnvironments(1)).toThrow(/2 services or more/);
  });
});
