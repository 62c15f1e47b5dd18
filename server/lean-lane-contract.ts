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
  requestBody?: unknown;
}

export interface Contract {
  paths: Record<string, unknown>;
  components?: { parameters?: Record<string, ContractParameter>; schemas?: Record<string, Record<string, unknown>> };
}

/** Whether a raw path segment is a value the contract accepts (checked as the validator's Ajv does). */
export type ParameterCheck = (value: string) => boolean;

/** What a string path parameter's schema may say for the lane to check it itself. */
const CHECKABLE = new Set(['type', 'pattern', 'minLength', 'maxLength', 'enum', 'description', 'example']);

const resolve = <T>(contract: Contract, value: T | Ref, section: 'parameters' | 'schemas'): T | undefined =>
  value && typeof value === 'object' && '$ref' in value ? (contract.components?.[section]?.[value.$ref.split('/').pop()!] as T | undefined) : (value as T);

/**
 * For an operation whose contract leaves the validator nothing to check in a GET without query
 * string or body (no body, no required query or header parameter, headers only as plain strings,
 * no cookie parameter), one check per path parameter, each a plain string schema (pattern, length,
 * enum) the lane applies itself. Undefined when the lane must leave the operation to the app.
 */
export function laneChecks(contract: Contract, bound: Bound): Record<string, ParameterCheck> | undefined {
  const item = contract.paths[bound.route.path] as (Record<string, ContractOperation> & ContractOperation) | undefined;
  const operation = item?.[bound.route.method];
  if (bound.route.method !== 'get' || !operation || operation.requestBody !== undefined) return undefined;
  const checks: Record<string, ParameterCheck> = {};
  for (const declared of [...(item!.parameters ?? []), ...(operation.parameters ?? [])]) {
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

function stringCheck(schema: Record<string, unknown> | undefined): ParameterCheck | undefined {
  if (!schema || schema.type !== 'string' || Object.keys(schema).some((key) => !CHECKABLE.has(key))) return undefined;
  // Ajv compiles `pattern` with the u flag (unicodeRegExp); the lane's values are unreserved ASCII,
  // so their length in code points is their length.
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
  const { minLength = 0, maxLength = Infinity } = schema as { minLength?: number; maxLength?: number };
  const allowed = Array.isArray(schema.enum) ? (schema.enum as unknown[]) : undefined;
  return (value) => value.length >= minLength && value.length <= maxLength && (!pattern || pattern.test(value)) && (!allowed || allowed.includes(value));
}
