import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  currentPlatform,
  dirHash1,
  IMPLIED_MIRROR,
  LOCK_FILE,
  lockFileText,
  prepareStacksForMirror,
  providerAddress,
  requiredProviders,
} from "../../../scripts/lib/provider-lock";
import { run } from "../../../scripts/lib/process";

const ADDRESS = "registry.terraform.io/hashicorp/aws";
let root: string;
let mirror: string;

function stack(outdir: string, name: string, json: unknown): string {
  const dir = path.join(outdir, "stacks", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(json));
  return dir;
}

const PINNED = { terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } } };

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "provider-lock-"));
  mirror = path.join(root, "mirror");
  const unpacked = path.join(mirror, ADDRESS, "5.100.0", currentPlatform());
  fs.mkdirSync(path.join(unpacked, "docs"), { recursive: true });
  fs.writeFileSync(path.join(unpacked, "terraform-provider-aws_v5.100.0_x5"), "not really a provider\n");
  fs.writeFileSync(path.join(unpacked, "LICENSE.txt"), "licence text\n");
  fs.writeFileSync(path.join(unpacked, "docs", "README"), "nested\n");
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("provider sources and versions", () => {
  test("short sources are the public registry's", () => {
    expect(providerAddress("aws")).toBe(ADDRESS);
    expect(providerAddress("hashicorp/aws")).toBe(ADDRESS);
    expect(providerAddress("example.com/acme/thing")).toBe("example.com/acme/thing");
  });

  test("only exact versions can be locked from one mirror", () => {
    expect(
      requiredProviders({
        terraform: {
          required_providers: {
            aws: { source: "aws", version: "5.100.0" },
            random: { source: "hashicorp/random", version: "~> 3.0" },
          },
        },
      }),
    ).toEqual([{ address: ADDRESS, version: "5.100.0" }]);
  });
});

describe("the lock file", () => {
  test("is byte for byte what terraform providers lock writes from the same mirror", async () => {
    const dir = path.join(root, "terraform-lock");
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } } }),
    );
    await run(
      "terraform",
      [`-chdir=${dir}`, "providers", "lock", `-fs-mirror=${mirror}`, `-platform=${currentPlatform()}`],
      {
        env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
      },
    );
    const unpacked = path.join(mirror, ADDRESS, "5.100.0", currentPlatform());
    const ours = lockFileText([{ provider: { address: ADDRESS, version: "5.100.0" }, hashes: [dirHash1(unpacked)] }]);
    expect(ours).toBe(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8"));
  });
});

describe("prepareStacksForMirror", () => {
  test("writes the lock file and links terraform.d/plugins to the mirror in each stack the mirror serves", () => {
    const outdir = path.join(root, "out1");
    const dir = stack(outdir, "dev", PINNED);
    expect(prepareStacksForMirror(outdir, mirror)).toEqual(["dev"]);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8")).toContain(`provider "${ADDRESS}"`);
    expect(fs.realpathSync(path.join(dir, IMPLIED_MIRROR))).toBe(fs.realpathSync(mirror));
  });

  test("keeps a lock file terraform already wrote", () => {
    const outdir = path.join(root, "out2");
    const dir = stack(outdir, "dev", PINNED);
    fs.writeFileSync(path.join(dir, LOCK_FILE), "# kept\n");
    prepareStacksForMirror(outdir, mirror);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8")).toBe("# kept\n");
  });

  test("writes nothing where the mirror lacks the provider (a machine with registry access)", () => {
    const outdir = path.join(root, "out3");
    const dir = stack(outdir, "dev", PINNED);
    expect(prepareStacksForMirror(outdir, path.join(root, "no-mirror"))).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(["cdk.tf.json"]);
  });
});
