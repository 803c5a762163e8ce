/**
 * npm test -- [--no-e2e]
 *
 * The whole suite, in order: type check, unit tests (with `terraform validate` of every stack), the tests of the
 * emulator fixes, and the end-to-end deploy to the emulator. Prints one total at the end.
 */
import * as fs from "fs";
import * as path from "path";
import { requireMoto } from "./lib/moto";
import { bin, LOCAL_DIR, PROJECT_ROOT } from "./lib/paths";
import { main } from "./lib/cli";
import { CommandError, run } from "./lib/process";
import { requireTerraform, ToolMissingError } from "./lib/terraform";

const USAGE = `Usage: npm test -- [--no-e2e]

Runs, in order: tsc --noEmit; eslint; prettier --check; the unit tests (jest project "unit"); the tests of the moto
fixes (tools/moto/test_server.py); the end-to-end deploy to the emulator (jest project "e2e").
Ends with one line "tests: N passed, M failed".

  --no-e2e   skip the end-to-end deploys to the emulator; runs without moto installed (the
             emulator-fix tests are then skipped)

Exit codes: 0 all passed; 1 a test, the type check, lint or formatting failed; 2 usage error or a
required tool (terraform; python3 with moto unless --no-e2e) is missing.`;

interface Tally {
  passed: number;
  failed: number;
}

async function jest(project: string, extra: string[], tally: Tally): Promise<boolean> {
  const report = path.join(LOCAL_DIR, `jest-${project}.json`);
  fs.rmSync(report, { force: true });
  const ok = await step(`jest (${project})`, bin("jest"), [
    "--selectProjects",
    project,
    "--json",
    `--outputFile=${report}`,
    ...extra,
  ]);
  if (fs.existsSync(report)) {
    const result = JSON.parse(fs.readFileSync(report, "utf8")) as { numPassedTests: number; numFailedTests: number };
    tally.passed += result.numPassedTests;
    tally.failed += result.numFailedTests;
    if (result.numPassedTests + result.numFailedTests === 0) {
      console.error(`jest (${project}) ran no test`);
      return false;
    }
  } else {
    tally.failed += 1;
  }
  return ok;
}

async function step(name: string, command: string, args: string[], onLine?: (line: string) => void): Promise<boolean> {
  console.log(`\n==> ${name}`);
  try {
    await run(command, args, { cwd: PROJECT_ROOT, onLine: (line) => (console.log(line), onLine?.(line)) });
    return true;
  } catch (err) {
    if (err instanceof CommandError) return false;
    throw err;
  }
}

main({ usage: USAGE, positionals: [], options: { "no-e2e": { type: "boolean" } } }, async ({ values }) => {
  const e2e = !values["no-e2e"];
  await requireTerraform();
  // Only the emulator parts need moto: without it, --no-e2e still runs everything else.
  let python: string | undefined;
  try {
    python = requireMoto().python;
  } catch (err) {
    if (e2e || !(err instanceof ToolMissingError)) throw err;
    console.log(`moto is not installed: the emulator-fix tests are skipped (${err.message})`);
  }
  fs.mkdirSync(LOCAL_DIR, { recursive: true });

  const tally: Tally = { passed: 0, failed: 0 };
  const results: [string, boolean][] = [];
  results.push(["type check", await step("tsc --noEmit", bin("tsc"), ["--noEmit", "-p", "."])]);
  results.push(["lint", await step("eslint", bin("eslint"), ["."])]);
  results.push(["format", await step("prettier --check", bin("prettier"), ["--check", "."])]);
  results.push(["unit", await jest("unit", [], tally)]);

  if (python) {
    let ranPython = 0;
    let failedPython = 0;
    const pythonOk = await step(
      "emulator fixes (unittest)",
      python,
      ["-m", "unittest", "discover", "-s", "tools/moto", "-p", "test_*.py"],
      (line) => {
        const ran = /^Ran (\d+) tests?/.exec(line);
        if (ran) ranPython = Number(ran[1]);
        const failed = /^FAILED \((?:failures=(\d+))?(?:, )?(?:errors=(\d+))?/.exec(line);
        if (failed) failedPython = Number(failed[1] ?? 0) + Number(failed[2] ?? 0);
      },
    );
    tally.passed += ranPython - failedPython;
    tally.failed += pythonOk ? failedPython : Math.max(failedPython, 1);
    results.push(["emulator fixes", pythonOk && ranPython > 0]);
  }

  if (e2e) results.push(["e2e", await jest("e2e", ["--runInBand"], tally)]);

  console.log("");
  for (const [name, ok] of results) console.log(`${ok ? "ok  " : "FAIL"}  ${name}`);
  const allOk = results.every(([, ok]) => ok);
  console.log(`tests: ${tally.passed} passed, ${tally.failed} failed`);
  return allOk ? 0 : 1;
});
