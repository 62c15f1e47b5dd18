import type { Server } from 'node:http';

/**
 * Listens on 127.0.0.1:$PORT and stops on SIGTERM, or when the bench that forked this process
 * goes away (its IPC channel closes), so no helper server outlives an interrupted run.
 */
export function serveUntilStopped(server: Server): void {
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  server.listen(Number(process.env.PORT), '127.0.0.1');
}
