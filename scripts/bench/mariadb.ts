import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/** The URL without its user and password, for messages and reports. */
export const redactUrl = (url: string) => url.replace(/\/\/[^@/]*@/, '//…@');

/**
 * A private database on a shared MariaDB/MySQL server (never the server's own settings), dropped
 * by `drop()`. The server URL has no database part: mysql://user:pass@host:port.
 */
export async function createPrivateDatabase(serverUrl: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `gh_bench_${randomBytes(6).toString('hex')}`;
  const admin = await createConnection({ uri: serverUrl, connectTimeout: 5000 }).catch((error: unknown) => {
    throw new Error(`no MariaDB/MySQL server at ${redactUrl(serverUrl)} (${(error as Error).message}); use --mysql-url, or --only sqlite`);
  });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  return {
    url: `${serverUrl.replace(/\/+$/, '')}/${name}`,
    name,
    async drop() {
      const connection = await createConnection({ uri: serverUrl, connectTimeout: 5000 });
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}
