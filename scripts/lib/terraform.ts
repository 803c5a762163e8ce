import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./paths";
import { run, RunOptions, RunResult, which } from "./process";

/** use_lockfile in the S3 backend needs Terraform 1.10 or later. */
export const MIN_TERRAFORM_VERSION = [1, 10, 0] as const;
const DEFAULT_PROVIDER_MIRROR = "/opt/tf-plugins";
/** A filesystem mirror of the AWS provider, present on machines without registry access (TF_PROVIDER_MIRROR overrides). */
export const PROVIDER_MIRROR = process.env.TF_PROVIDER_MIRROR ?? DEFAULT_PROVIDER_MIRROR;
export const MIRROR_CLI_CONFIG = path.join(PROJECT_ROOT, "tools", "terraform", "mirror.tfrc");

export const TERRAFORM_INSTALL_HINT =
  "Install Terraform 1.10 or later: https://developer.hashicorp.com/terraform/install " +
  "(Debian/Ubuntu: the HashiCorp apt repository, `apt-get install terraform`; macOS: `brew install hashicorp/tap/terraform`), " +
  "then make sure `terraform` is on PATH.";

export class ToolMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolMissingError";
  }
}

/** True when the provider mirror holds the AWS provider. */
export function hasProviderMirror(): boolean {
  return fs.existsSync(path.join(PROVIDER_MIRROR, "registry.terraform.io", "hashicorp", "aws"));
}

/**
 * The environment terraform runs in: no call home, non-interactive, and the project's own CLI config when the
 * local provider mirror exists. Elsewhere the user's own CLI config (or none) applies, as on any machine.
 */
export function terraformEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  if (hasProviderMirror()) {
    env.TF_CLI_CONFIG_FILE =
      path.resolve(PROVIDER_MIRROR) === DEFAULT_PROVIDER_MIRROR
        ? MIRROR_CLI_CONFIG
        : writeMirrorConfig(PROVIDER_MIRROR);
  } else if (env.TF_CLI_CONFIG_FILE && !fs.existsSync(env.TF_CLI_CONFIG_FILE)) {
    // A config variable naming a missing file only produces a warning on every command.
    delete env.TF_CLI_CONFIG_FILE;
  }
  return env;
}

function writeMirrorConfig(mirror: string): string {
  const file = path.join(PROJECT_ROOT, ".local", "mirror.tfrc");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    fs.readFileSync(MIRROR_CLI_CONFIG, "utf8").replace('"/opt/tf-plugins"', JSON.stringify(path.resolve(mirror))),
  );
  return file;
}

/** Finds terraform and checks its version; throws ToolMissingError saying how to get it. */
export async function requireTerraform(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ path: string; version: string }> {
  const binary = which("terraform", env);
  if (!binary) throw new ToolMissingError(`terraform was not found on PATH. ${TERRAFORM_INSTALL_HINT}`);
  const { stdout } = await run(binary, ["version", "-json"], { env: terraformEnv(env) });
  const version = (JSON.parse(stdout) as { terraform_version: string }).terraform_version;
  if (compareVersions(version, MIN_TERRAFORM_VERSION.join(".")) < 0) {
    throw new ToolMissingError(`terraform ${version} at ${binary} is too old. ${TERRAFORM_INSTALL_HINT}`);
  }
  return { path: binary, version };
}

/** Runs `terraform -chdir=<dir> ...args`. */
export function terraform(dir: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run("terraform", [`-chdir=${dir}`, ...args], { ...options, env: terraformEnv(options.env ?? process.env) });
}

/** Compares dotted numeric versions: negative, zero or positive like a sort comparator. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((p) => parseInt(p, 10) || 0);
  const pb = b.split(".").map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
