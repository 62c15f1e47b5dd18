import type { Account, Organization } from '../../kernel/model.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface ScimMeta {
  resourceType: string;
  created?: string;
  lastModified?: string;
  location: string;
}

export interface ScimUser {
  schemas: string[];
  id: string;
  externalId?: string;
  userName: string;
  name?: { givenName?: string; familyName?: string; formatted?: string };
  displayName: string;
  emails: { value: string; type: string; primary: boolean }[];
  active: boolean;
  groups?: { value: string; display: string }[];
  meta: ScimMeta;
}

export interface ScimGroup {
  schemas: string[];
  id: string;
  externalId?: string;
  displayName: string;
  members?: { value: string; display: string; type: 'User' }[];
  meta: ScimMeta;
}

export interface ScimList<T> {
  schemas: string[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: Partial<T>[];
}

/** An account as a SCIM User (RFC 7643 §4.1); `groups` only when the memberships were read. */
export function userResource(account: Account, baseUrl: string, groups?: readonly Organization[]): ScimUser {
  const name = {
    ...(account.givenName ? { givenName: account.givenName } : {}),
    ...(account.familyName ? { familyName: account.familyName } : {}),
  };
  const formatted = [account.givenName, account.familyName].filter(Boolean).join(' ');
  return {
    schemas: [USER_SCHEMA],
    id: account.uuid,
    ...(account.externalId ? { externalId: account.externalId } : {}),
    userName: account.username,
    ...(formatted ? { name: { ...name, formatted } } : {}),
    displayName: account.displayName,
    emails: account.email ? [{ value: account.email, type: 'work', primary: true }] : [],
    active: account.active,
    ...(groups ? { groups: groups.map((g) => ({ value: g.uuid, display: g.name })) } : {}),
    meta: { resourceType: 'User', created: account.createdAt.toISOString(), lastModified: account.updatedAt.toISOString(), location: `${baseUrl}/Users/${account.uuid}` },
  };
}

/** An organization as a SCIM Group (RFC 7643 §4.2); `members` only when they were read. */
export function groupResource(organization: Organization, baseUrl: string, members?: readonly Account[]): ScimGroup {
  return {
    schemas: [GROUP_SCHEMA],
    id: organization.uuid,
    ...(organization.externalId ? { externalId: organization.externalId } : {}),
    displayName: organization.name,
    ...(members ? { members: members.map((m) => ({ value: m.uuid, display: m.username, type: 'User' as const })) } : {}),
    meta: { resourceType: 'Group', location: `${baseUrl}/Groups/${organization.uuid}` },
  };
}

/** Which top-level attributes a response carries (RFC 7644 §3.4.2.5); `id` and `schemas` always. */
export interface Projection {
  attributes?: readonly string[];
  excludedAttributes?: readonly string[];
}

export function parseProjection(attributes: string | undefined, excludedAttributes: string | undefined): Projection {
  const split = (text: string | undefined) =>
    text
      ?.split(',')
      .map((a) => a.trim().replace(/^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/i, '').split('.')[0]!.toLowerCase())
      .filter(Boolean);
  return { ...(attributes ? { attributes: split(attributes) } : {}), ...(excludedAttributes ? { excludedAttributes: split(excludedAttributes) } : {}) };
}

/** Whether an attribute will be returned (so a list need not read what it will leave out). */
export function wants(projection: Projection, attribute: string): boolean {
  const name = attribute.toLowerCase();
  if (projection.attributes) return projection.attributes.includes(name);
  return !projection.excludedAttributes?.includes(name);
}

export function project<T extends { schemas: string[]; id: string }>(resource: T, projection: Projection): Partial<T> {
  if (!projection.attributes && !projection.excludedAttributes) return resource;
  const kept = Object.entries(resource).filter(([key]) => key === 'id' || key === 'schemas' || wants(projection, key));
  return Object.fromEntries(kept) as Partial<T>;
}

export function listResponse<T>(total: number, startIndex: number, resources: Partial<T>[]): ScimList<T> {
  return { schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources };
}
