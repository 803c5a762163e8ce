/**
 * npm run rollback -- <workspace> <service> [--to <tag>]
 *
 * Returns a service to its last completed release (or the given one), the same way a release deploys. The logic is
 * in lib/release.ts.
 */
import { releaseCommand } from "./lib/release-command";

releaseCommand("rollback");
