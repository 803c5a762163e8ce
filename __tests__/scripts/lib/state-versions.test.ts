import {
  readStateHeader,
  restoreTarget,
  StateVersion,
  stateDigest,
  versionsTable,
} from "../../../scripts/lib/state-versions";

const at = (minute: number) => new Date(Date.UTC(2026, 0, 2, 3, minute, 0));
const version = (id: string, minute: number, extra: Partial<StateVersion> = {}): StateVersion => ({
  versionId: id,
  lastModified: at(minute),
  size: 1000 + minute,
  isLatest: false,
  deleteMarker: false,
  serial: minute,
  lineage: "lin-1",
  ...extra,
});

describe("readStateHeader", () => {
  test("reads serial and lineage of a state file", () => {
    expect(readStateHeader(JSON.stringify({ version: 4, serial: 12, lineage: "abc", resources: [] }))).toEqual({
      serial: 12,
      lineage: "abc",
    });
  });

  test("a truncated body is damaged, with the reason", () => {
    expect(readStateHeader('{"version": 4, "serial": 1').damaged).toMatch(/^not JSON/);
  });

  test("JSON that is not a state is damaged", () => {
    expect(readStateHeader('{"hello": "world"}')).toEqual({ damaged: "not a Terraform state (no version field)" });
  });
});

describe("restoreTarget", () => {
  const versions = [
    version("v1", 1),
    version("v3", 3, { isLatest: true, damaged: "not JSON", serial: undefined }),
    version("v2", 2),
  ];

  test("by default: the newest readable version before the current one", () => {
    expect(restoreTarget(versions).versionId).toBe("v2");
  });

  test("skips damaged versions and delete markers", () => {
    const withBad = [
      ...versions,
      version("v2b", 2.5, { damaged: "not JSON" }),
      version("dm", 2.7, { deleteMarker: true }),
    ];
    expect(restoreTarget(withBad).versionId).toBe("v2");
  });

  test("a given version is taken as it is", () => {
    expect(restoreTarget(versions, "v1").versionId).toBe("v1");
  });

  test("refuses the current version, an unknown id and a delete marker, saying why", () => {
    expect(() => restoreTarget(versions, "v3")).toThrow(/already the current state/);
    expect(() => restoreTarget(versions, "nope")).toThrow(/no version nope/);
    expect(() => restoreTarget([...versions, version("dm", 4, { deleteMarker: true })], "dm")).toThrow(/delete marker/);
    expect(() => restoreTarget([version("only", 1, { isLatest: true })])).toThrow(/no older readable version/);
  });
});

describe("versionsTable", () => {
  test("newest first, the current one starred, damaged bodies flagged", () => {
    const table = versionsTable([
      version("v1", 1),
      version("v2", 2, { isLatest: true, damaged: "not JSON", serial: undefined }),
    ]).split("\n");
    expect(table[0]).toMatch(/time \(UTC\)\s+bytes\s+serial\s+lineage\s+version id/);
    expect(table[1]).toMatch(/^\*\s+2026-01-02T03:02:00Z\s+1002\s+DAMAGED\s+lin-1\s+v2$/);
    expect(table[2]).toMatch(/^\s+2026-01-02T03:01:00Z\s+1001\s+1\s+lin-1\s+v1$/);
  });
});

describe("stateDigest", () => {
  test("is the MD5 the S3 backend records", () => {
    expect(stateDigest("")).toBe("d41d8cd98f00b204e9800998ecf8427e");
  });
});
