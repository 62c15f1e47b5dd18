import { describe, expect, it } from 'vitest';
import type { Bound } from '../../server/bind.js';
import { laneBodyCheck, type Contract } from '../../server/lean-lane-contract.js';

const bound = { route: { path: '/check', method: 'post' } } as unknown as Bound;

/** A contract with one POST whose body is `schema` under each of `mediaTypes`. */
function contractWith(schema: Record<string, unknown>, mediaTypes = ['application/json', 'application/x-www-form-urlencoded'], extra: Record<string, unknown> = {}): Contract {
  const content = Object.fromEntries(mediaTypes.map((type) => [type, { schema: { $ref: '#/components/schemas/Body' } }]));
  return { paths: { '/check': { post: { requestBody: { required: true, content }, ...extra } } }, components: { schemas: { Body: schema } } };
}

const TOKEN_BODY = { type: 'object', required: ['token'], properties: { token: { type: 'string', minLength: 2, maxLength: 4 }, hint: { type: 'string', enum: ['a', 'b'] }, id: { type: 'string', pattern: '^[a-z]+$' } } };

/**
 * What the lean lane checks of a POST's body itself: only plain-string object schemas, checked as
 * the validator's Ajv checks them; everything else is left to the app (undefined).
 */
describe('the lean lane’s body check', () => {
  it('takes a body of declared strings within their schemas, and leaves undeclared properties alone', () => {
    const { check, mediaTypes } = laneBodyCheck(contractWith(TOKEN_BODY), bound)!;
    expect([...mediaTypes]).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(check({ token: 'ab' })).toBe(true);
    expect(check({ token: 'abcd', hint: 'b', id: 'xyz', other: 5 })).toBe(true);
    expect(check(Object.assign(Object.create(null), { token: 'abc' }))).toBe(true); // a form's object
  });

  it('refuses what the validator would refuse or change: missing, non-string, out-of-schema values, non-objects', () => {
    const { check } = laneBodyCheck(contractWith(TOKEN_BODY), bound)!;
    for (const body of [{}, { token: 'a' }, { token: 'abcde' }, { token: 12 }, { token: ['ab'] }, { token: 'ab', hint: 'c' }, { token: 'ab', id: 'X' }, ['ab'], 'ab', null, undefined]) {
      expect(check(body), JSON.stringify(body)).toBe(false);
    }
  });

  it('counts a length in code points, as Ajv does: a surrogate pair is one', () => {
    const { check } = laneBodyCheck(contractWith(TOKEN_BODY), bound)!;
    expect(check({ token: '😀😀' })).toBe(true); // two code points, four UTF-16 units
    expect(check({ token: '😀' })).toBe(false); // one code point, two units
  });

  it('leaves to the app a schema it cannot check itself, other media types, and parameters', () => {
    const variants: Contract[] = [
      contractWith({ ...TOKEN_BODY, additionalProperties: false }),
      contractWith({ ...TOKEN_BODY, properties: { token: { type: 'string', default: 'x' } } }),
      contractWith({ ...TOKEN_BODY, properties: { token: { type: 'string', format: 'uuid' } } }),
      contractWith({ ...TOKEN_BODY, properties: { token: { type: 'integer' } } }),
      contractWith(TOKEN_BODY, ['application/json', 'multipart/form-data']),
      contractWith(TOKEN_BODY, ['application/json'], { parameters: [{ name: 'x', in: 'query', required: true, schema: { type: 'string' } }] }),
    ];
    for (const contract of variants) expect(laneBodyCheck(contract, bound)).toBeUndefined();
    expect(laneBodyCheck(contractWith(TOKEN_BODY), { route: { path: '/check', method: 'get' } } as unknown as Bound)).toBeUndefined();
  });
});
