/**
 * npm run status -- <workspace> <service>
 *
 * A step of a blue-green release (see lib/blue-green.ts and the README, "Blue/green releases").
 */
import { blueGreenCommand } from "./lib/blue-green-command";

blueGreenCommand("status");
