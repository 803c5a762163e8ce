import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { migrationPlan, recordedBackend } from "../../../scripts/lib/bootstrap-migration";

describe("how the bootstrap state reaches its bucket", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bootstrap-migration-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("where the first apply ran, the directory remembers the local backend: terraform migrates from it", () => {
    fs.mkdirSync(path.join(dir, ".terraform"));
    fs.writeFileSync(
      path.join(dir, ".terraform", "terraform.tfstate"),
      JSON.stringify({
        version: 3,
        backend: { type: "local", config: { path: "../../../terraform.bootstrap.tfstate" } },
      }),
    );
    expect(recordedBackend(dir)).toBe("local");
    expect(migrationPlan(recordedBackend(dir))).toBe("migrate-state");
  });

  test("a fresh directory has no backend to migrate from: the local file is pushed", () => {
    expect(recordedBackend(dir)).toBeUndefined();
    expect(migrationPlan(recordedBackend(dir))).toBe("push");
  });

  test("a directory already on s3 pushes (when the bucket has no bootstrap state yet)", () => {
    fs.mkdirSync(path.join(dir, ".terraform"));
    fs.writeFileSync(path.join(dir, ".terraform", "terraform.tfstate"), JSON.stringify({ backend: { type: "s3" } }));
    expect(migrationPlan(recordedBackend(dir))).toBe("push");
  });
});
