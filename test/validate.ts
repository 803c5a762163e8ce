import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

export interface ValidationResult {
  readonly valid: boolean;
  /** Errors, each as "<module>: <summary>: <detail>". */
  readonly errors: string[];
}

/**
 * `terraform validate` of several synthesized stacks in one run: each becomes a child module of a throwaway root, so
 * terraform loads the AWS provider's schema (most of a validation's time) once instead of once per stack. Child
 * modules warn that their backend is ignored; that is the only difference from validating each on its own.
 */
export function validateTogether(stacks: Record<string, string>): ValidationResult {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "validate-"));
  try {
    const modules: Record<string, { source: string }> = {};
    for (const [name, json] of Object.entries(stacks)) {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), json);
      modules[name] = { source: `./${name}` };
    }
    fs.writeFileSync(path.join(root, "main.tf.json"), JSON.stringify({ module: modules }));
    // The unit setup passes -backend=false to every init through TF_CLI_ARGS_init; give it here instead.
    const env = { ...process.env, TF_CLI_ARGS_init: "" };
    const init = spawnSync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], {
      cwd: root,
      env,
      encoding: "utf8",
    });
    if (init.status !== 0) return { valid: false, errors: [`terraform init: ${init.stdout}${init.stderr}`] };
    const validate = spawnSync("terraform", ["validate", "-json", "-no-color"], { cwd: root, env, encoding: "utf8" });
    const report = JSON.parse(validate.stdout) as {
      valid: boolean;
      diagnostics: { severity: string; summary: string; detail: string; range?: { filename: string } }[];
    };
    const errors = report.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => `${d.range?.filename.split("/")[0] ?? "(root)"}: ${d.summary}: ${d.detail}`);
    return { valid: report.valid, errors };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
