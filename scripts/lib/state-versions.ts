/**
 * The versions of a workspace's state object in the versioned state bucket, and which one a restore takes. Pure
 * logic; scripts/state.ts does the S3 and DynamoDB calls.
 */
import { createHash } from "crypto";

/** One version of the state object (an S3 object version or a delete marker). */
export interface StateVersion {
  readonly versionId: string;
  readonly lastModified: Date;
  /** Bytes; 0 for a delete marker. */
  readonly size: number;
  readonly isLatest: boolean;
  readonly deleteMarker: boolean;
  /** From the state file itself: how many writes it has seen, and the lineage every write of one state shares. */
  readonly serial?: number;
  readonly lineage?: string;
  /** What made the body unreadable as a state file (truncated, not JSON, ...). */
  readonly damaged?: string;
}

/** The serial and lineage of a state file's body, or why it is not a readable state. */
export function readStateHeader(body: string): { serial?: number; lineage?: string; damaged?: string } {
  try {
    const parsed = JSON.parse(body) as { serial?: unknown; lineage?: unknown; version?: unknown };
    if (typeof parsed !== "object" || parsed === null || typeof parsed.version !== "number") {
      return { damaged: "not a Terraform state (no version field)" };
    }
    return {
      serial: typeof parsed.serial === "number" ? parsed.serial : undefined,
      lineage: typeof parsed.lineage === "string" ? parsed.lineage : undefined,
    };
  } catch (err) {
    return { damaged: `not JSON (${(err as Error).message.split("\n")[0]})` };
  }
}

/** Newest first, as a person reads a history. */
export function sortVersions(versions: StateVersion[]): StateVersion[] {
  return [...versions].sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime());
}

/** A table of the versions, newest first, the current one marked. */
export function versionsTable(versions: StateVersion[]): string {
  const rows = sortVersions(versions).map((v) => [
    v.isLatest ? "*" : "",
    v.lastModified.toISOString().replace(/\.\d{3}Z$/, "Z"),
    v.deleteMarker ? "(deleted)" : String(v.size),
    v.deleteMarker ? "" : v.damaged ? "DAMAGED" : String(v.serial ?? "?"),
    v.deleteMarker ? "" : (v.lineage ?? ""),
    v.versionId,
  ]);
  const header = ["", "time (UTC)", "bytes", "serial", "lineage", "version id"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/**
 * The version a restore copies over the current one: the given id, or else the newest readable version older
 * than the current one. Throws with the reason when there is none to take.
 */
export function restoreTarget(versions: StateVersion[], versionId?: string): StateVersion {
  const sorted = sortVersions(versions);
  if (sorted.length === 0) throw new Error("the state object has no versions in the bucket");
  if (versionId !== undefined) {
    const found = sorted.find((v) => v.versionId === versionId);
    if (!found) throw new Error(`no version ${versionId} of the state object (npm run state -- versions lists them)`);
    if (found.deleteMarker) throw new Error(`version ${versionId} is a delete marker, not a state`);
    if (found.isLatest) throw new Error(`version ${versionId} is already the current state`);
    if (found.damaged) throw new Error(`version ${versionId} is not a readable state: ${found.damaged}`);
    return found;
  }
  const candidate = sorted.find((v) => !v.isLatest && !v.deleteMarker && !v.damaged);
  if (!candidate) throw new Error("there is no older readable version to restore");
  return candidate;
}

/** The MD5 digest the S3 backend keeps in the lock table for a state body (it refuses a state that differs). */
export function stateDigest(body: string | Uint8Array): string {
  return createHash("md5").update(body).digest("hex");
}
