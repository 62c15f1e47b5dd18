import { createClient, type Client } from '../../generated/admin/client/index.js';

/** Where the CLI finds Gatehouse and with which administrator token (flags, then environment). */
export interface RemoteOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

/** A refusal or failure the command line reports in one line, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Exit codes: 1 Gatehouse refused the request (4xx), 2 bad usage or configuration, 3 Gatehouse unreachable or failing (5xx). */
export const EXIT = { refused: 1, usage: 2, unavailable: 3 } as const;

/** The admin face's generated SDK client for the target instance. */
export function adminClient(options: RemoteOptions): Client {
  const url = (options.url ?? process.env.GATEHOUSE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  const token = options.token ?? process.env.GATEHOUSE_TOKEN;
  if (!token) throw new CliError('no administrator token: pass --token or set GATEHOUSE_TOKEN (an admin access token or API token)', EXIT.usage);
  return createClient({ baseUrl: `${url}/admin/v1`, auth: token });
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response?: Response;
}

/** The answer's body, or a CliError with the problem's detail (RFC 9457) and the right exit code. */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  const unreachable = (error: unknown) => {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new CliError(`cannot reach Gatehouse (${cause?.code ?? cause?.message ?? (error as Error).message})`, EXIT.unavailable);
  };
  let result: Result<T>;
  try {
    result = await request;
  } catch (error) {
    throw unreachable(error);
  }
  // The SDK reports a failed fetch as an error without a response.
  if (!result.response) throw unreachable(result.error);
  const status = result.response.status;
  if (status >= 200 && status < 300) return result.data as T;
  const detail = (result.error as { detail?: string } | undefined)?.detail ?? `HTTP ${status}`;
  throw new CliError(`${detail} (HTTP ${status})`, status >= 500 ? EXIT.unavailable : EXIT.refused);
}
