import type { Knex } from 'knex';
import { alterTable, createTable, insertMissing } from './steps.js';

/**
 * The credentials face's state. `api_credentials` (created by the platform migration for its
 * X-API-Key) becomes the one table of every credential kind: the caller's own API tokens,
 * certificates and kubeconfigs, service credentials and the SCIM token. Tokens are stored only as
 * SHA-256; certificates by the SHA-256 of their DER. The credential CA's private key is sealed
 * with the master key. Namespaces name where credentials live; `system` always exists.
 */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'namespaces', (t) => {
    t.increments('id').comment('surrogate key');
    t.string('name', 63).notNullable().unique().comment('DNS-1035 label; `system` always exists');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('creation time');
  });
  await insertMissing(knex, 'namespaces', { name: 'system' }, { created_at: new Date() });

  await alterTable(knex, 'api_credentials', (t) => {
    t.string('family', 16).notNullable().defaultTo('user').comment('user (the caller\'s own credential), service (a service credential with its own account) or scim (the tenant\'s SCIM token)');
    t.string('namespace', 63).notNullable().defaultTo('system').comment('namespace the credential lives in');
    t.boolean('enabled').notNullable().defaultTo(true).comment('false: disabled; active means enabled and unexpired');
    t.datetime('updated_at', { precision: 3 }).nullable().comment('last change (activate, renew, replace); null: never changed');
    t.string('created_by', 191).nullable().comment('email, or username, of the account that created it');
    t.string('digest', 40).nullable().comment('SHA-1 (hex) of the token, or of the certificate DER (F5\'s gc_spec.digest)');
    t.string('certificate_serial', 32).nullable().comment('serial number (hex) of the issued client certificate; certificates and kubeconfigs only');
    t.string('virtual_k8s_name', 256).nullable().comment('kubeconfigs: the cluster the kubeconfig points at');
    t.string('virtual_k8s_namespace', 256).nullable().comment('kubeconfigs: the context\'s default namespace');
    t.string('site_name', 64).nullable().comment('site kubeconfigs: the site');
    t.text('namespace_roles').nullable().comment('service credentials: JSON [{namespace, role}] granted to the service account (`*`: every namespace)');
    t.text('user_group_names').nullable().comment('service credentials: JSON list of organization names whose member role the service account receives');
    t.unique(['namespace', 'family', 'name'], { indexName: 'api_credentials_namespace_family_name' });
    // Every request on the credentials face asks whether the caller is a service account.
    t.index(['account_id', 'family'], 'api_credentials_account_family');
  });

  await createTable(knex, 'credential_ca', (t) => {
    t.integer('id').primary().comment('always 1: the one CA that issues API certificates and kubeconfig client certificates');
    t.text('certificate_pem').notNullable().comment('the CA certificate (PEM), public');
    t.text('private_key_sealed').notNullable().comment('the CA private key (PEM) sealed with the master key (AES-256-GCM, context credential-ca:key)');
    t.datetime('created_at', { precision: 3 }).notNullable().comment('generated on first use; the first instance to insert wins');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('credential_ca');
  // MySQL lets the foreign key on account_id use the new index: re-create the key around the drop.
  await knex.schema.alterTable('api_credentials', (t) => t.dropForeign(['account_id']));
  await knex.schema.alterTable('api_credentials', (t) => t.dropIndex(['account_id', 'family'], 'api_credentials_account_family'));
  await knex.schema.alterTable('api_credentials', (t) => t.foreign('account_id').references('accounts.id').onDelete('CASCADE'));
  await knex.schema.alterTable('api_credentials', (t) => {
    t.dropUnique(['namespace', 'family', 'name'], 'api_credentials_namespace_family_name');
    for (const column of ['family', 'namespace', 'enabled', 'updated_at', 'created_by', 'digest', 'certificate_serial', 'virtual_k8s_name', 'virtual_k8s_namespace', 'site_name', 'namespace_roles', 'user_group_names']) t.dropColumn(column);
  });
  await knex.schema.dropTableIfExists('namespaces');
}
