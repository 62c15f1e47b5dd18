import type { Knex } from 'knex';
import { alterTable } from './steps.js';

/**
 * What provisioning systems and operators keep about accounts and organizations besides the login
 * name: an identity provider's own id (SCIM `externalId`, RFC 7643 §3.1) and the parts of a
 * person's name (RFC 7643 §4.1.1). Re-runnable steps (steps.ts): MySQL commits DDL one statement
 * at a time.
 */
export async function up(knex: Knex): Promise<void> {
  await alterTable(knex, 'accounts', (t) => {
    t.string('external_id', 191).nullable().unique({ indexName: 'accounts_external_id' }).comment("the provisioning identity provider's id for the account (SCIM externalId); null: none");
    t.string('given_name', 191).nullable().comment('first name, as provisioned (SCIM name.givenName)');
    t.string('family_name', 191).nullable().comment('last name, as provisioned (SCIM name.familyName)');
  });
  await alterTable(knex, 'organizations', (t) => {
    t.string('external_id', 191).nullable().unique({ indexName: 'organizations_external_id' }).comment("the provisioning identity provider's id for the organization (SCIM Group externalId)");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('organizations', (t) => {
    t.dropUnique(['external_id'], 'organizations_external_id');
    t.dropColumn('external_id');
  });
  await knex.schema.alterTable('accounts', (t) => {
    t.dropUnique(['external_id'], 'accounts_external_id');
    t.dropColumn('external_id');
    t.dropColumn('given_name');
    t.dropColumn('family_name');
  });
}
