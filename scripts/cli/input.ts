import { CliError, EXIT } from './remote.js';

/** A secret from standard input (a pipe or a redirect, never an argument: those land in shell history and `ps`). */
export async function readSecret(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!secret) throw new CliError('standard input held no password', EXIT.usage);
  return secret;
}
