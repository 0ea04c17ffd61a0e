/** Serving the simulator over HTTP with @hono/node-server (the only module that imports it). */
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo, Socket } from 'node:net';
import type { Server } from 'node:http';
import type { SimEnv } from './runtime.ts';
import { PARTNER_BASE } from './partner-middleware.ts';

export interface ListenOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
}

export interface RunningServer {
  /** `http://<host>:<port>/api/v1/partner` */
  baseUrl: string;
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

export async function listenSimulator(
  app: Hono<SimEnv>,
  options: ListenOptions = {},
): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    baseUrl: `http://${urlHost}:${port}${PARTNER_BASE}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
