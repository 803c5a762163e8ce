import * as fs from "fs";
import {
  configurationFields,
  REFERENCE_FILE,
  renderConfigurationReference,
} from "../../../scripts/lib/config-reference";

// Building the TypeScript program that reads the schema's JSDoc takes a few seconds.
jest.setTimeout(60_000);

const fields = configurationFields();
const all = [...fields.project, ...fields.workspace];
const field = (path: string) => {
  const found = fields.workspace.find((f) => f.path === path);
  if (!found) throw new Error(`no field ${path}`);
  return found;
};

test("docs/configuration.md is what npm run docs generates from the schema", () => {
  expect(fs.readFileSync(REFERENCE_FILE, "utf8")).toBe(renderConfigurationReference());
});

test("every field of every environment file is described", () => {
  expect(all.filter((f) => f.description === "").map((f) => f.path)).toEqual([]);
});

test("a field shows its type, the schema's default and its valid values", () => {
  expect(field("network.natGateways")).toMatchObject({
    type: '"none" | "single" | "one-per-az"',
    defaultText: '"single"',
    required: false,
  });
  expect(field("services[].port")).toMatchObject({ type: "integer", valid: "1 to 32767", required: true });
  expect(field("network.flowLogs.retentionDays").valid).toContain("one of 1, 3, 5, 7, 14, 30");
});

test("a default that depends on other fields is the JSDoc's text", () => {
  expect(field("database.multiAz").defaultText).toBe("true in a production workspace, false elsewhere");
});
