/**
 * npm run secrets -- <workspace> [--rotate] [--only NAME] [--no-assume-role]
 *
 * Fills the values of the secrets a workspace declares: random ones for `generated` secrets, the operator's
 * environment variable for `provided` ones. The secrets are created by the workspace stack; this writes values only,
 * and never prints one. The logic is in lib/secrets.ts.
 */
import { describeError, runSecretsCommand } from "./lib/secrets";

runSecretsCommand(process.argv.slice(2), {
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Only the name and message: an SDK error's other fields hold the whole request.
    console.error(describeError(err));
    process.exit(1);
  },
);
