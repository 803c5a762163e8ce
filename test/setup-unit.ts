// Jest setup for the unit project: CDKTF's matchers, and terraform pointed at the project's CLI config so that
// toBeValidTerraform() runs offline where the provider mirror exists.
import "cdktf/lib/testing/adapters/jest";
import { Testing } from "cdktf";
import { terraformEnv } from "../scripts/lib/terraform";

Testing.setupJest();

const env = terraformEnv(process.env);
for (const key of ["CHECKPOINT_DISABLE", "TF_IN_AUTOMATION", "TF_CLI_CONFIG_FILE"]) {
  if (env[key] === undefined) delete process.env[key];
  else process.env[key] = env[key];
}
// toBeValidTerraform() runs a plain `terraform init`; the stacks' S3 backend would need the real bucket. Validation
// does not need an initialised backend, so skip it and validate the exact synthesized JSON.
process.env.TF_CLI_ARGS_init = "-backend=false";
