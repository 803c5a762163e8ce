import * as fs from "fs";
import * as path from "path";
import { Annotations, App, TerraformStack } from "cdktf";
import { ConfigError } from "./load";

/**
 * How the app refuses to synthesize when the environment files are wrong: the message once, no stack trace, a
 * failing exit, and no stack left in the output folder from an earlier synth that `cdktf deploy --skip-synth` could
 * still pick up.
 *
 * Under `cdktf synth` (and deploy, diff, plan) the CLI prints everything the app writes as it comes, and again in its
 * own "cdktf encountered an error while synthesizing" block whenever the app exits non-zero, on stdout and stderr
 * alike. An error annotation is the one channel the CLI prints once: the app synthesizes a stack that carries the
 * message as an error annotation and exits 0, the CLI prints `ERROR [environments]: <message>` and fails the synth
 * (exit 1), and because that stack is the only one in the new manifest the CLI deletes the earlier stacks'
 * folders itself. The CLI says it runs the app this way by setting CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS.
 *
 * Run directly (`node --import tsx main.ts`, what cdktf.json runs), the app prints the message on stderr, deletes
 * `<outdir>/stacks` and `<outdir>/manifest.json` and exits 1. It must not delete them under the CLI, which removes the
 * folders it listed before the run and fails on one that is already gone.
 */

/** The stack that carries the refusal under the CLI; its name is the prefix the CLI prints. */
export const REFUSAL_STACK = "environments";

export interface RefusalIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stderr: (text: string) => void;
}

const PROCESS_IO: RefusalIo = { env: process.env, stderr: (text) => process.stderr.write(text) };

/** Refuses to synthesize because of `error`; returns the exit code the app should end with. */
export function refuseSynth(outdir: string, error: ConfigError, io: RefusalIo = PROCESS_IO): number {
  if (io.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === "true") {
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, REFUSAL_STACK);
    Annotations.of(stack).addError(error.message);
    app.synth();
    return 0;
  }
  removeStacks(outdir);
  io.stderr(`${error.message}\n`);
  return 1;
}

function removeStacks(outdir: string): void {
  fs.rmSync(path.join(outdir, "stacks"), { recursive: true, force: true });
  fs.rmSync(path.join(outdir, "manifest.json"), { force: true });
}

const ANNOTATION_ERROR = 'Encountered Annotations with level "ERROR":\n';

/**
 * `app.synth()`, refusing the same way when a stack carries error annotations (the security controls' findings):
 * under the CLI the synth goes on and the CLI prints them once itself; run directly, CDKTF throws, and the findings
 * are printed once, without CDKTF's advice to ignore them or a stack trace, the output folder is cleaned, and the
 * exit code is 1. Returns the exit code.
 */
export function synthesizeOrRefuse(app: App, io: RefusalIo = PROCESS_IO): number {
  try {
    app.synth();
    return 0;
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith(ANNOTATION_ERROR)) throw err;
    const findings = err.message.slice(ANNOTATION_ERROR.length).replace(/\n+Either fix the issues above[\s\S]*$/, "");
    removeStacks(app.outdir);
    io.stderr(`${findings}\n`);
    return 1;
  }
}
