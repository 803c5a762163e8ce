/**
 * The configuration reference (docs/configuration.md), generated from the one place each fact lives: types,
 * defaults and valid values from the zod schema (src/config/schema.ts) as it runs, descriptions from the JSDoc
 * comments on its fields (read with the TypeScript compiler, the same comments an editor shows on hover).
 */
import * as path from "path";
import * as ts from "typescript";
import { z } from "zod";
import { FIELD_HINTS, projectSchema, workspaceSchema } from "../../src/config/schema";
import { PROJECT_ROOT } from "./paths";

export const SCHEMA_FILE = path.join(PROJECT_ROOT, "src", "config", "schema.ts");
export const REFERENCE_FILE = path.join(PROJECT_ROOT, "docs", "configuration.md");

/** One field of an environment file. */
export interface FieldDoc {
  /** Dotted path; `[]` marks the items of a list, e.g. `services[].port`. */
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  /** The default, as a value or as the JSDoc `@default` text; empty when there is none. */
  readonly defaultText: string;
  /** What the loader accepts, beyond the type. */
  readonly valid: string;
  readonly description: string;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  "x-valid"?: string;
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    override: (ctx) => {
      const hint = FIELD_HINTS.get(ctx.zodSchema as object);
      if (hint) (ctx.jsonSchema as JsonSchema)["x-valid"] = hint;
    },
  }) as JsonSchema;
}

const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;
const shown = (value: unknown) => JSON.stringify(value);

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map(shown).join(" | ");
  if (s.const !== undefined) return shown(s.const);
  if (s.anyOf) return s.anyOf.map(typeOf).join(" | ");
  if (s.type === "array") return `${s.items ? typeOf(s.items) : "unknown"}[]`;
  if (s.type === "object") {
    if (s.properties) return "object";
    if (s.additionalProperties && typeof s.additionalProperties === "object") {
      return `map of ${typeOf(s.additionalProperties)}`;
    }
    return "object";
  }
  if (s.type === "integer") return "integer";
  return String(s.type ?? "any");
}

function validOf(s: JsonSchema): string {
  if (s["x-valid"]) return s["x-valid"];
  const parts: string[] = [];
  const min = s.minimum !== undefined && s.minimum > -SAFE_INTEGER ? s.minimum : undefined;
  const max = s.maximum !== undefined && s.maximum < SAFE_INTEGER ? s.maximum : undefined;
  if (min !== undefined && max !== undefined) parts.push(`${min} to ${max}`);
  else if (min !== undefined) parts.push(`at least ${min}`);
  else if (max !== undefined) parts.push(`at most ${max}`);
  if (s.minItems !== undefined) parts.push(`at least ${s.minItems} item${s.minItems === 1 ? "" : "s"}`);
  if (s.minLength !== undefined && s.minLength > 0) parts.push(`at least ${s.minLength} characters`);
  if (s.maxLength !== undefined) parts.push(`at most ${s.maxLength} characters`);
  if (s.pattern) parts.push(`matches \`${s.pattern}\``);
  if (s.type === "array" && s.items) {
    const item = validOf(s.items);
    if (item) parts.push(`each: ${item}`);
  }
  if (s.type === "object" && !s.properties && s.additionalProperties && typeof s.additionalProperties === "object") {
    const key = s.propertyNames ? validOf(s.propertyNames) : "";
    const value = validOf(s.additionalProperties);
    if (key) parts.push(`keys: ${key}`);
    if (value) parts.push(`values: ${value}`);
  }
  return parts.join("; ");
}

/** Every field under `schema`, depth first, in declaration order. */
function fieldsOf(s: JsonSchema, prefix: string, docs: Map<string, JsDocEntry>, out: FieldDoc[]): void {
  for (const [name, field] of Object.entries(s.properties ?? {})) {
    const fieldPath = prefix === "" ? name : `${prefix}.${name}`;
    const doc = docs.get(fieldPath);
    const hasDefault = field.default !== undefined;
    out.push({
      path: fieldPath,
      type: typeOf(field),
      required: (s.required ?? []).includes(name) && !hasDefault,
      defaultText: hasDefault && !isEmptyObject(field.default) ? shown(field.default) : (doc?.defaultTag ?? ""),
      valid: validOf(field),
      description: doc?.description ?? "",
    });
    if (field.properties) fieldsOf(field, fieldPath, docs, out);
    if (field.type === "array" && field.items?.properties) fieldsOf(field.items, `${fieldPath}[]`, docs, out);
  }
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

interface JsDocEntry {
  readonly description: string;
  readonly defaultTag?: string;
}

/** JSDoc of every field of an exported input type of schema.ts, by path (`[]` for list items). */
export function jsDocByPath(typeName: string, program: ts.Program = schemaProgram()): Map<string, JsDocEntry> {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(SCHEMA_FILE);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  const exported = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === typeName);
  if (!exported) throw new Error(`${typeName} is not exported by ${SCHEMA_FILE}`);
  const docs = new Map<string, JsDocEntry>();
  const visit = (type: ts.Type, prefix: string, depth: number) => {
    if (depth > 6) return;
    for (const property of type.getProperties()) {
      const fieldPath = prefix === "" ? property.name : `${prefix}.${property.name}`;
      const description = ts
        .displayPartsToString(property.getDocumentationComment(checker))
        .replace(/\s+/g, " ")
        .trim();
      const defaultTag = property.getJsDocTags(checker).find((t) => t.name === "default");
      docs.set(fieldPath, {
        description,
        defaultTag: defaultTag ? ts.displayPartsToString(defaultTag.text).replace(/^- /, "").trim() : undefined,
      });
      let fieldType = checker.getNonNullableType(checker.getTypeOfSymbol(property));
      let itemPrefix = fieldPath;
      if (checker.isArrayType(fieldType)) {
        fieldType = checker.getTypeArguments(fieldType as ts.TypeReference)[0];
        itemPrefix = `${fieldPath}[]`;
      }
      const objects = fieldType.isUnion() ? fieldType.types : [fieldType];
      for (const candidate of objects) {
        if (candidate.flags & ts.TypeFlags.Object && candidate.getCallSignatures().length === 0) {
          visit(candidate, itemPrefix, depth + 1);
        }
      }
    }
  };
  visit(checker.getDeclaredTypeOfSymbol(exported), "", 0);
  return docs;
}

function schemaProgram(): ts.Program {
  return ts.createProgram([SCHEMA_FILE], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    skipLibCheck: true,
    noEmit: true,
  });
}

/** The fields of `environments/bootstrap.ts` and of a workspace file. */
export function configurationFields(): { project: FieldDoc[]; workspace: FieldDoc[] } {
  const program = schemaProgram();
  const project: FieldDoc[] = [];
  const workspace: FieldDoc[] = [];
  fieldsOf(jsonSchemaOf(projectSchema), "", jsDocByPath("ProjectInput", program), project);
  fieldsOf(jsonSchemaOf(workspaceSchema), "", jsDocByPath("WorkspaceInput", program), workspace);
  return { project, workspace };
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function table(fields: FieldDoc[]): string[] {
  const rows = fields.map((f) => {
    const name = `\`${f.path}\`${f.required ? " (required)" : ""}`;
    return `| ${name} | ${cell(f.type)} | ${cell(f.defaultText)} | ${cell(f.valid)} | ${cell(f.description)} |`;
  });
  return ["| field | type | default | valid values | description |", "| --- | --- | --- | --- | --- |", ...rows];
}

/** docs/configuration.md, as `npm run docs` writes it. */
export function renderConfigurationReference(): string {
  const { project, workspace } = configurationFields();
  const sections = new Map<string, FieldDoc[]>();
  for (const field of workspace) {
    const top = field.path.split(/[.[]/)[0];
    const key = workspace.some((f) => f.path.startsWith(`${top}.`) || f.path.startsWith(`${top}[]`)) ? top : "";
    sections.set(key, [...(sections.get(key) ?? []), field]);
  }
  const lines = [
    "# Configuration reference",
    "",
    "<!-- Generated by `npm run docs` from src/config/schema.ts; a test keeps it in step. Do not edit by hand. -->",
    "",
    "Every file in `environments/` is checked against this when it is loaded (every `cdktf synth`, every script).",
    "A wrong value fails with the file, the field and what would be valid. Secrets never go in these files.",
    "",
    "## `environments/bootstrap.ts`",
    "",
    "Project-wide settings and the Terraform state store in the master account.",
    "",
    ...table(project),
    "",
    "## Workspace files (`environments/<workspace>.ts`)",
    "",
    "One file per workspace; the file name is the workspace's name.",
    "",
    ...table(sections.get("") ?? []),
  ];
  for (const [key, fields] of sections) {
    if (key === "") continue;
    lines.push("", `### \`${key}\``, "", ...table(fields));
  }
  return `${lines.join("\n")}\n`;
}
