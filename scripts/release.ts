/**
 * npm run release -- <workspace> <service> <tag>
 *
 * Releases an image already pushed to the service's repository: without Terraform, with only the rights a release
 * needs, waiting for the rollout and saying why when it fails. The logic is in lib/release.ts.
 */
import { releaseCommand } from "./lib/release-command";

releaseCommand("release");
