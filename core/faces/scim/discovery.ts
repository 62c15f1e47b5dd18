import { MAX_PAGE } from '../../kernel/queries.js';
import { GROUP_SCHEMA, LIST_SCHEMA, USER_SCHEMA } from './resources.js';

type Attribute = {
  name: string;
  type: 'string' | 'boolean' | 'dateTime' | 'reference' | 'complex';
  multiValued: boolean;
  description?: string;
  required?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned?: 'always' | 'never' | 'default' | 'request';
  uniqueness?: 'none' | 'server' | 'global';
  subAttributes?: Attribute[];
};

const text = (name: string, extra: Partial<Attribute> = {}): Attribute => ({ name, type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...extra });
const reference = (extra: Partial<Attribute>): Attribute => text('value', { mutability: 'immutable', ...extra });

/** What Gatehouse stores of a User (RFC 7643 §4.1): the attributes it keeps, no others. */
const USER_ATTRIBUTES: Attribute[] = [
  text('userName', { required: true, uniqueness: 'server', description: 'The account username (lower-cased; unique without regard to case)' }),
  text('externalId', { caseExact: true, uniqueness: 'server', description: "The identity provider's id for the account" }),
  { name: 'name', type: 'complex', multiValued: false, required: false, mutability: 'readWrite', returned: 'default', subAttributes: [text('givenName'), text('familyName'), text('formatted', { mutability: 'readOnly' })] },
  text('displayName'),
  { name: 'emails', type: 'complex', multiValued: true, required: false, mutability: 'readWrite', returned: 'default', description: 'One e-mail address (the primary one is kept)', subAttributes: [text('value', { uniqueness: 'server' }), text('type'), { name: 'primary', type: 'boolean', multiValued: false }] },
  { name: 'active', type: 'boolean', multiValued: false, required: false, mutability: 'readWrite', returned: 'default', description: 'false signs the account out everywhere' },
  text('password', { mutability: 'writeOnly', returned: 'never', caseExact: true }),
  { name: 'groups', type: 'complex', multiValued: true, required: false, mutability: 'readOnly', returned: 'default', subAttributes: [reference({ mutability: 'readOnly' }), text('display', { mutability: 'readOnly' })] },
];

const GROUP_ATTRIBUTES: Attribute[] = [
  text('displayName', { required: true, description: "The organization's name" }),
  text('externalId', { caseExact: true }),
  { name: 'members', type: 'complex', multiValued: true, required: false, mutability: 'readWrite', returned: 'default', subAttributes: [reference({}), text('display', { mutability: 'readOnly' }), text('type', { mutability: 'immutable' })] },
];

function list<T>(resources: T[]) {
  return { schemas: [LIST_SCHEMA], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources };
}

/** RFC 7644 §4: what a client may ask of this service provider. */
export function serviceProviderConfig(baseUrl: string, documentationUri: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: false },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: "The tenant's SCIM token (credentials face, recreateScimToken) as a bearer token", primary: true }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string) {
  return list([
    { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], id: 'User', name: 'User', endpoint: '/Users', description: 'Gatehouse accounts', schema: USER_SCHEMA, meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` } },
    { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], id: 'Group', name: 'Group', endpoint: '/Groups', description: 'Gatehouse organizations', schema: GROUP_SCHEMA, meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` } },
  ]);
}

export function schemas(baseUrl: string) {
  return list([
    { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], id: USER_SCHEMA, name: 'User', description: 'Gatehouse accounts', attributes: USER_ATTRIBUTES, meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${USER_SCHEMA}` } },
    { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], id: GROUP_SCHEMA, name: 'Group', description: 'Gatehouse organizations', attributes: GROUP_ATTRIBUTES, meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${GROUP_SCHEMA}` } },
  ]);
}
