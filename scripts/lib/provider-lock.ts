/**
 * Makes a synthesized stack directory installable from the local provider mirror with no setting by the user.
 *
 * `npx cdktf deploy|diff <stack>` runs `terraform providers lock` when a stack directory has no
 * `.terraform.lock.hcl`; that command asks the registry for every platform's checksums and fails on a machine that
 * only has a filesystem mirror ("Could not retrieve providers for locking"). When the mirror holds a provider a
 * stack requires, this writes the lock file terraform itself would write from the mirror (the `h1:` hash of the
 * unpacked provider) and links `terraform.d/plugins` to the mirror, a directory terraform searches by itself. On a
 * machine without the mirror nothing is written, and terraform and the CLI use the registry as usual.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { LOCAL_DIR } from "./paths";
import { PROVIDER_MIRROR } from "./terraform";

export const LOCK_FILE = ".terraform.lock.hcl";
/** Terraform's implied local mirror, relative to the working directory. */
export const IMPLIED_MIRROR = path.join("terraform.d", "plugins");
const HASH_CACHE = path.join(LOCAL_DIR, "provider-hashes.json");

export interface RequiredProvider {
  /** Fully qualified: registry.terraform.io/hashicorp/aws */
  readonly address: string;
  readonly version: string;
}

/** `aws`, `hashicorp/aws` or `registry.terraform.io/hashicorp/aws` to the fully qualified address. */
export function providerAddress(source: string): string {
  const parts = source.split("/");
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return source;
}

/** The providers a synthesized stack pins to one exact version (a range cannot be locked from one mirror). */
export function requiredProviders(stackJson: unknown): RequiredProvider[] {
  const required =
    (stackJson as { terraform?: { required_providers?: Record<string, { source?: string; version?: string }> } })
      .terraform?.required_providers ?? {};
  return Object.entries(required)
    .filter(([, p]) => p.version !== undefined && /^=?\s*\d+\.\d+\.\d+$/.test(p.version.trim()))
    .map(([name, p]) => ({
      address: providerAddress(p.source ?? name),
      version: p.version!.replace(/^=\s*/, "").trim(),
    }));
}

/** Terraform's name for this machine's platform (linux_amd64, darwin_arm64, ...). */
export function currentPlatform(platform = process.platform, arch = process.arch): string {
  const archs: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${platform === "win32" ? "windows" : platform}_${archs[arch] ?? arch}`;
}

/** SHA-256 of a file read in chunks (a provider binary is hundreds of megabytes). */
function fileSha256(file: string): string {
  const hash = createHash("sha256");
  const buffer = Buffer.alloc(8 * 1024 * 1024);
  const fd = fs.openSync(file, "r");
  try {
    for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * Terraform's `h1:` hash of an unpacked provider directory (Go's dirhash.Hash1): the SHA-256 of the lines
 * "<sha256 of file>  <relative path>\n" for every file, sorted by path.
 */
export function dirHash1(dir: string): string {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else files.push(child);
    }
  };
  walk("");
  files.sort();
  const summary = createHash("sha256");
  for (const file of files) {
    const sum = fileSha256(path.join(dir, file));
    summary.update(`${sum}  ${file}\n`);
  }
  return `h1:${summary.digest("base64")}`;
}

/** The h1 hash of a mirror directory, cached by its files' sizes and times (hashing the AWS provider takes seconds). */
function cachedHash(dir: string): string {
  const stamp = fs
    .readdirSync(dir)
    .sort()
    .map((name) => {
      const stat = fs.statSync(path.join(dir, name));
      return `${name}:${stat.size}:${stat.mtimeMs}`;
    })
    .join(",");
  let cache: Record<string, { stamp: string; hash: string }> = {};
  try {
    cache = JSON.parse(fs.readFileSync(HASH_CACHE, "utf8")) as typeof cache;
  } catch {
    // no cache yet
  }
  if (cache[dir]?.stamp === stamp) return cache[dir].hash;
  const hash = dirHash1(dir);
  try {
    fs.mkdirSync(path.dirname(HASH_CACHE), { recursive: true });
    fs.writeFileSync(HASH_CACHE, JSON.stringify({ ...cache, [dir]: { stamp, hash } }, null, 2));
  } catch {
    // a read-only checkout only loses the cache
  }
  return hash;
}

/** The lock file terraform writes for these providers and hashes (`terraform providers lock` output format). */
export function lockFileText(entries: { provider: RequiredProvider; hashes: string[] }[]): string {
  const blocks = [...entries]
    .sort((a, b) => a.provider.address.localeCompare(b.provider.address))
    .map(({ provider, hashes }) =>
      [
        `provider "${provider.address}" {`,
        `  version     = "${provider.version}"`,
        `  constraints = "${provider.version}"`,
        "  hashes = [",
        ...[...hashes].sort().map((h) => `    "${h}",`),
        "  ]",
        "}",
      ].join("\n"),
    );
  return [
    '# This file is maintained automatically by "terraform init".',
    "# Manual edits may be lost in future updates.",
    "",
    blocks.join("\n\n"),
    "",
  ].join("\n");
}

/**
 * For each stack directory under `<outdir>/stacks`: when the mirror holds every provider the stack pins, writes
 * `.terraform.lock.hcl` (unless terraform already wrote one) and links `terraform.d/plugins` to the mirror.
 * Returns the stacks it prepared.
 */
export function prepareStacksForMirror(outdir: string, mirror: string = PROVIDER_MIRROR): string[] {
  const stacksDir = path.join(outdir, "stacks");
  if (!fs.existsSync(stacksDir)) return [];
  const prepared: string[] = [];
  const platform = currentPlatform();
  for (const stack of fs.readdirSync(stacksDir)) {
    const dir = path.join(stacksDir, stack);
    const file = path.join(dir, "cdk.tf.json");
    if (!fs.existsSync(file)) continue;
    const providers = requiredProviders(JSON.parse(fs.readFileSync(file, "utf8")));
    const unpacked = providers.map((p) => path.join(mirror, p.address, p.version, platform));
    if (providers.length === 0 || !unpacked.every((d) => fs.existsSync(d))) continue;
    const lockFile = path.join(dir, LOCK_FILE);
    if (!fs.existsSync(lockFile)) {
      const entries = providers.map((provider, i) => ({ provider, hashes: [cachedHash(unpacked[i])] }));
      fs.writeFileSync(lockFile, lockFileText(entries));
    }
    const link = path.join(dir, IMPLIED_MIRROR);
    if (!fs.existsSync(link)) {
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.rmSync(link, { force: true });
      fs.symlinkSync(path.resolve(mirror), link, "dir");
    }
    prepared.push(stack);
  }
  return prepared;
}
