import { isDeepStrictEqual } from 'node:util';
import type { Bound } from './bind.js';

interface ContractParameter {
  name?: string;
  in?: string;
  required?: boolean;
  schema?: Record<string, unknown>;
}

type Ref = { $ref: string };

interface ContractOperation {
  parameters?: (ContractParameter | Ref)[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Record<string, unknown> | Ref }> };
}

export interface Contract {
  paths: Record<string, unknown>;
  components?: { parameters?: Record<string, ContractParameter>; schemas?: Record<string, Record<string, unknown>> };
}

/** Whether a raw path segment is a value the contract accepts (checked as the validator's Ajv does). */
export type ParameterCheck = (value: string) => boolean;

/** Whether a parsed request body is one the contract accepts as it is (checked as the validator's Ajv does). */
export type BodyCheck = (body: unknown) => boolean;

/** What a string path parameter's or body property's schema may say for the lane to check it itself. */
const CHECKABLE = new Set(['type', 'pattern', 'minLength', 'maxLength', 'enum', 'description', 'example']);
/** What a body's object schema may say: no `additionalProperties`, no `default` (Ajv's useDefaults would change the body). */
const CHECKABLE_OBJECT = new Set(['type', 'required', 'properties', 'description', 'example']);
/** The media types the app's own parsers read as the validator sees them. */
const LANE_MEDIA_TYPES = new Set(['application/json', 'application/x-www-form-urlencoded']);

const resolve = <T>(contract: Contract, value: T | Ref, section: 'parameters' | 'schemas'): T | undefined =>
  value && typeof value === 'object' && '$ref' in value ? (contract.components?.[section]?.[value.$ref.split('/').pop()!] as T | undefined) : (value as T);

/**
 * For an operation whose contract leaves the validator nothing to check in a GET without query
 * string or body (no body, no required query or header parameter, headers only as plain strings,
 * no cookie parameter), one check per path parameter, each a plain string schema (pattern, length,
 * enum) the lane applies itself. Undefined when the lane must leave the operation to the app.
 */
export function laneChecks(contract: Contract, bound: Bound): Record<string, ParameterCheck> | undefined {
  const { item, operation } = operationOf(contract, bound);
  if (bound.route.method !== 'get' || !item || !operation || operation.requestBody !== undefined) return undefined;
  return parameterChecks(contract, item, operation);
}

/**
 * For a POST whose body the lane may check itself, its body check: every declared media type JSON
 * or a form, all with one schema, an object of plain string properties (each checked as a path
 * parameter is) that leaves undeclared properties alone; no parameter the validator would check.
 * Undefined when the lane must leave the operation to the app. A body the check refuses is
 * answered by the app, whose validator says why.
 */
export function laneBodyCheck(contract: Contract, bound: Bound): { check: BodyCheck; mediaTypes: ReadonlySet<string> } | undefined {
  const { item, operation } = operationOf(contract, bound);
  const content = Object.entries(operation?.requestBody?.content ?? {});
  if (bound.route.method !== 'post' || !item || !operation || !content.length || content.some(([type]) => !LANE_MEDIA_TYPES.has(type))) return undefined;
  const checks = parameterChecks(contract, item, operation);
  if (!checks || Object.keys(checks).length) return undefined;
  const schemas = content.map(([, media]) => resolve<Record<string, unknown>>(contract, media.schema as Record<string, unknown>, 'schemas'));
  const schema = schemas[0];
  if (!schema || schemas.some((other) => !isDeepStrictEqual(other, schema))) return undefined;
  const check = objectCheck(contract, schema);
  return check && { check, mediaTypes: new Set(content.map(([type]) => type)) };
}

/** The contract's path item and operation for a bound operation. */
function operationOf(contract: Contract, bound: Bound): { item?: ContractOperation; operation?: ContractOperation } {
  const item = contract.paths[bound.route.path] as (Record<string, ContractOperation> & ContractOperation) | undefined;
  return { item, operation: item?.[bound.route.method] };
}

function parameterChecks(contract: Contract, item: ContractOperation, operation: ContractOperation): Record<string, ParameterCheck> | undefined {
  const checks: Record<string, ParameterCheck> = {};
  for (const declared of [...(item.parameters ?? []), ...(operation.parameters ?? [])]) {
    const parameter = resolve<ContractParameter>(contract, declared, 'parameters');
    if (!parameter) return undefined;
    if (parameter.in === 'query' && parameter.required !== true) continue; // the lane takes no query string
    if (parameter.in === 'header' && parameter.required !== true && isDeepStrictEqual(parameter.schema, { type: 'string' })) continue; // any header value is a string
    if (parameter.in !== 'path' || !parameter.name) return undefined;
    const check = stringCheck(resolve<Record<string, unknown>>(contract, parameter.schema as Record<string, unknown>, 'schemas'));
    if (!check) return undefined;
    checks[parameter.name] = check;
  }
  return checks;
}

function objectCheck(contract: Contract, schema: Record<string, unknown>): BodyCheck | undefined {
  if (schema.type !== 'object' || Object.keys(schema).some((key) => !CHECKABLE_OBJECT.has(key))) return undefined;
  const checks = new Map<string, ParameterCheck>();
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    const check = stringCheck(resolve<Record<string, unknown>>(contract, property, 'schemas'));
    if (!check) return undefined;
    checks.set(name, check);
  }
  const required = (schema.required ?? []) as string[];
  return (body) => {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
    if (!required.every((name) => Object.hasOwn(body, name))) return false;
    for (const [name, value] of Object.entries(body)) {
      const check = checks.get(name);
      if (check && (typeof value !== 'string' || !check(value))) return false;
    }
    return true;
  };
}

function stringCheck(schema: Record<string, unknown> | undefined): ParameterCheck | undefined {
  if (!schema || schema.type !== 'string' || Object.keys(schema).some((key) => !CHECKABLE.has(key))) return undefined;
  // Ajv compiles `pattern` with the u flag (unicodeRegExp) and counts a string's length in code
  // points (a surrogate pair is one).
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
  const { minLength = 0, maxLength = Infinity } = schema as { minLength?: number; maxLength?: number };
  const allowed = Array.isArray(schema.enum) ? (schema.enum as unknown[]) : undefined;
  return (value) => {
    const length = SURROGATE.test(value) ? [...value].length : value.length;
    return length >= minLength && length <= maxLength && (!pattern || pattern.test(value)) && (!allowed || allowed.includes(value));
  };
}

const SURROGATE = /[\uD800-\uDFFF]/;
