import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";

interface Pair {
  readonly client: Socket;
  readonly server: Socket;
  /** The client's first bytes: the AMQP handshake, whose client properties name the process. */
  head: string;
}

/**
 * A TCP proxy in front of the broker, so a test can cut one process's connections the way a
 * network fault or a broker closing them does, without touching the shared broker: each AMQP
 * connection is told apart by its `connection_name` client property (`… pid <pid>`), read from
 * the handshake bytes.
 */
export class AmqpProxy {
  readonly #pairs = new Set<Pair>();
  readonly #server: Server;
  port = 0;

  constructor(readonly target: { host: string; port: number }) {
    this.#server = createServer((client) => {
      const server = tcpConnect(target.port, target.host);
      const pair: Pair = { client, server, head: "" };
      this.#pairs.add(pair);
      const end = () => {
        client.destroy();
        server.destroy();
        this.#pairs.delete(pair);
      };
      client.on("data", (chunk: Buffer) => {
        if (pair.head.length < 4_096) pair.head += chunk.toString("latin1");
      });
      client.pipe(server);
      server.pipe(client);
      client.on("error", end).on("close", end);
      server.on("error", end).on("close", end);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.port = (this.#server.address() as { port: number }).port;
    return this.port;
  }

  /** Cuts every connection process `pid` holds through the proxy; returns how many. */
  kill(pid: number): number {
    const pattern = new RegExp(`pid ${pid}(?!\\d)`);
    let killed = 0;
    for (const pair of [...this.#pairs]) {
      if (!pattern.test(pair.head)) continue;
      pair.client.destroy();
      pair.server.destroy();
      this.#pairs.delete(pair);
      killed++;
    }
    return killed;
  }

  async close(): Promise<void> {
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.server.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
