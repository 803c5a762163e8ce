/**
 * npm run docs
 *
 * Writes docs/configuration.md, the reference of every environment-file field, from src/config/schema.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { main } from "./lib/cli";
import { REFERENCE_FILE, renderConfigurationReference } from "./lib/config-reference";
import { PROJECT_ROOT } from "./lib/paths";

const USAGE = `Usage: npm run docs

Writes ${path.relative(PROJECT_ROOT, REFERENCE_FILE)} from src/config/schema.ts: every field of the
environment files with its type, default, valid values and description (the JSDoc on the schema's
fields). A unit test fails when the file is out of step.

Exit codes: 0 written.`;

main({ usage: USAGE, positionals: [], options: {} }, () => {
  fs.mkdirSync(path.dirname(REFERENCE_FILE), { recursive: true });
  fs.writeFileSync(REFERENCE_FILE, renderConfigurationReference());
  console.log(`wrote ${path.relative(PROJECT_ROOT, REFERENCE_FILE)}`);
  return 0;
});
