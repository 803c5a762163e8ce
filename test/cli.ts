import { bin, PROJECT_ROOT } from "../scripts/lib/paths";
import { run, RunResult } from "../scripts/lib/process";

/** Every exit code: the tests assert the code themselves. */
const ANY_EXIT_CODE = Array.from({ length: 256 }, (_, code) => code);

/** Runs one of the project's scripts as a person would (`tsx scripts/<name>.ts ...`), in the given environment. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return run(bin("tsx"), [script, ...args], { cwd: PROJECT_ROOT, env, okCodes: ANY_EXIT_CODE });
}
