import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "./paths";

/** One timed run of a command: wall clock, and CPU (user + system) of it and its children when measurable. */
export interface Sample {
  readonly wallMs: number;
  readonly cpuMs?: number;
}

/** The median of some numbers (the lower middle one for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** "median 1234 ms wall (min 1200, max 1400), 2100 ms CPU, 5 runs". */
export function describeSamples(samples: readonly Sample[]): string {
  const walls = samples.map((s) => s.wallMs);
  const cpus = samples.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs]));
  const cpu = cpus.length === samples.length ? `, ${median(cpus).toFixed(0)} ms CPU` : "";
  return (
    `median ${median(walls).toFixed(0)} ms wall (min ${Math.min(...walls).toFixed(0)}, ` +
    `max ${Math.max(...walls).toFixed(0)})${cpu}, ${samples.length} runs`
  );
}

/** The ratio of two sets of samples' medians, wall and (when both have it) CPU: "2.10x wall, 1.95x CPU". */
export function ratio(slow: readonly Sample[], fast: readonly Sample[]): string {
  const wall = median(slow.map((s) => s.wallMs)) / median(fast.map((s) => s.wallMs));
  const cpu = (samples: readonly Sample[]) =>
    samples.every((s) => s.cpuMs !== undefined) ? median(samples.map((s) => s.cpuMs!)) : undefined;
  const [a, b] = [cpu(slow), cpu(fast)];
  return `${wall.toFixed(2)}x wall${a !== undefined && b !== undefined ? `, ${(a / b).toFixed(2)}x CPU` : ""}`;
}

/**
 * GNU time's `-f "%e %U %S"` line (the last line of stderr): elapsed, user and system seconds. Undefined when the
 * line is not there.
 */
export function parseTimeLine(stderr: string): { wallMs: number; cpuMs: number } | undefined {
  const last = stderr.trim().split("\n").pop() ?? "";
  const match = /^BENCH-TIME (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(last);
  if (!match) return undefined;
  return { wallMs: Number(match[1]) * 1000, cpuMs: (Number(match[2]) + Number(match[3])) * 1000 };
}
export const TIME_FORMAT = "BENCH-TIME %e %U %S";

/**
 * Environment files for a workspace of `services` services generated from environments/dev.ts: dev's own
 * services first, then copies alternating between them (public and internal, a third of them reading the
 * database, all on dev's two ports), each with its own name and host. dev's peering and its registry's pull
 * accounts are dropped, since the other workspaces are not in the set. Returns the folder (a new temporary one).
 */
export function writeScaledEnvironments(services: number, environmentsDir = path.join(PROJECT_ROOT, "environments")) {
  if (!Number.isInteger(services) || services < 2) throw new Error(`a scaled workspace needs 2 services or more`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${services}-`));
  const config = JSON.stringify(path.join(PROJECT_ROOT, "src", "config"));
  fs.writeFileSync(
    path.join(dir, "bootstrap.ts"),
    fs.readFileSync(path.join(environmentsDir, "bootstrap.ts"), "utf8").replace('"../src/config"', config),
  );
  const dev = JSON.stringify(path.join(environmentsDir, "dev"));
  fs.writeFileSync(
    path.join(dir, "dev.ts"),
    `import type { WorkspaceInput } from ${config};
import dev from ${dev};

type Service = NonNullable<WorkspaceInput["services"]>[number];
const own = dev.services ?? [];
const copies: Service[] = Array.from({ length: ${services} - own.length }, (_, i) => {
  const base = own[i % own.length];
  const isPublic = i % 3 !== 2;
  return {
    ...base,
    name: \`svc\${i + 1}\`,
    public: isPublic,
    hosts: isPublic ? [\`svc\${i + 1}.\${dev.dns?.zoneName}\`] : [],
    paths: [],
    priority: 1000 + i,
    parameters: {},
    secrets: i % 3 === 0 ? { DATABASE_HOST: { parameter: "database/HOST" } } : {},
    migration: undefined,
  };
});

const scaled: WorkspaceInput = {
  ...dev,
  network: { ...dev.network, peerWith: [] },
  registry: { ...dev.registry, pullAccountIds: [] },
  services: [...own, ...copies].slice(0, ${services}),
};

export default scaled;
`,
  );
  return dir;
}
