import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { idleStopScript } from "../../src/constructs/maintenance-task";

// Runs the maintenance container's command with `sleep` replaced by a script that counts the minutes it was asked
// to wait and returns at once, and ends a pretend ECS Exec session after a given minute.
function runScript(idleMinutes: number, endSessionAfter?: number): { minutes: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "idle-stop-"));
  const counter = join(dir, "minutes");
  writeFileSync(counter, "0");
  let session: ChildProcess | undefined;
  if (endSessionAfter !== undefined) {
    session = spawn("bash", ["-c", "exec -a ssm-session-worker sleep 60"], { stdio: "ignore" });
    writeFileSync(join(dir, "session.pid"), String(session.pid));
  }
  writeFileSync(
    join(dir, "sleep"),
    [
      "#!/bin/sh",
      `n=$(( $(cat ${counter}) + 1 )); echo $n > ${counter}`,
      endSessionAfter !== undefined
        ? `[ "$n" -eq ${endSessionAfter} ] && kill $(cat ${dir}/session.pid) && wait 2>/dev/null; [ "$n" -eq ${endSessionAfter} ] && /bin/sleep 0.2`
        : "",
      "exit 0",
    ].join("\n"),
  );
  chmodSync(join(dir, "sleep"), 0o755);
  try {
    const output = execFileSync("sh", ["-c", idleStopScript(idleMinutes)], {
      env: { PATH: `${dir}:/usr/bin:/bin` },
      timeout: 20_000,
      encoding: "utf8",
    });
    return { minutes: Number(readFileSync(counter, "utf8").trim()), output };
  } finally {
    session?.kill();
  }
}

describe("the maintenance task's idle stop", () => {
  test("exits after the idle minutes when no session is open", () => {
    const { minutes, output } = runScript(3);
    expect(minutes).toBe(3);
    expect(output).toMatch(/no ECS Exec session for 3 minutes: stopping/);
  });

  test("waits while a session is open, and counts the idle minutes from its end", () => {
    // The session ends during minute 5: minutes 5, 6 and 7 are idle.
    const { minutes } = runScript(3, 5);
    expect(minutes).toBe(7);
  });
});
