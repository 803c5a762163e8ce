import { spawn, SpawnOptions } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called with each line of output as it arrives, for progress a person can follow. */
  readonly onLine?: (line: string) => void;
  /** Exit codes that count as success. @default [0] */
  readonly okCodes?: number[];
}

/** A command that exited with a code outside `okCodes`; the message carries the end of its output. */
export class CommandError extends Error {
  constructor(
    public readonly command: string,
    public readonly result: RunResult,
  ) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-40).join("\n");
    super(`\`${command}\` exited with ${result.code}:\n${tail}`);
    this.name = "CommandError";
  }
}

/** Runs a command to completion without a shell, capturing its output. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, spawnOptions);
    let stdout = "";
    let stderr = "";
    let pending = "";
    const feed = (chunk: string) => {
      if (!options.onLine) return;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      lines.forEach((line) => options.onLine?.(line));
    };
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      feed(chunk);
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      feed(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (pending !== "") options.onLine?.(pending);
      const result = { code: code ?? 1, stdout, stderr };
      if ((options.okCodes ?? [0]).includes(result.code)) resolve(result);
      else reject(new CommandError([command, ...args].join(" "), result));
    });
  });
}

/** Finds an executable on PATH. */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
