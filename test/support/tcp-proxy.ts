import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 the test controls, to cut the service off from its database and give
 * it back: `down()` drops every open connection and refuses new ones until `up()`.
 */
export class TcpProxy {
  #sockets = new Set<Socket>();
  #open = true;
  #server = createServer((client) => this.accept(client));
  port = 0;

  constructor(private readonly targetPort: number, private readonly targetHost = '127.0.0.1') {}

  /** `port`: a fixed one (a service may be pointed at it before the proxy exists: connections refused) */
  async start(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.#server.address() as { port: number }).port;
  }

  down(): void {
    this.#open = false;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  up(): void {
    this.#open = true;
  }

  async stop(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (!this.#open) return void client.destroy();
    const upstream = connect(this.targetPort, this.targetHost);
    for (const s of [client, upstream]) {
      this.#sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.#sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }
}
