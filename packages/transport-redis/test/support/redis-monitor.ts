import { connect, type Socket } from "node:net";
import { REDIS } from "./redis.js";

/**
 * MONITOR on a plain socket: every command the server runs, as its arguments. ioredis's own
 * `monitor()` throws "Command queue state error" when the server's lines arrive while it is
 * disconnecting or when they are many (another client busy on the same server), so the tests read
 * the protocol themselves: after `+OK`, one `+<time> [<db> <client>] "arg" "arg" …` line per command.
 */
export class RedisMonitor {
  private buffer = "";
  private readonly listeners: ((args: string[]) => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => this.read(chunk));
    // A monitor that goes away ends the recording; the test's assertions say what was missed.
    socket.on("error", () => {});
  }

  static async open(): Promise<RedisMonitor> {
    const socket = connect(REDIS.port, REDIS.host);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const monitor = new RedisMonitor(socket);
    const ok = new Promise<void>((resolve) => monitor.listeners.push(() => resolve()));
    socket.write("MONITOR\r\n");
    await ok;
    monitor.listeners.length = 0;
    return monitor;
  }

  onCommand(listener: (args: string[]) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.socket.destroy();
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf("\r\n"); end >= 0; end = this.buffer.indexOf("\r\n")) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => unquote(match[1]!));
      for (const listener of this.listeners) listener(args);
    }
  }
}

function unquote(quoted: string): string {
  return quoted.replace(/\\(x[0-9a-f]{2}|.)/g, (_all, code: string) => {
    if (code.length === 3) return String.fromCharCode(Number.parseInt(code.slice(1), 16));
    return code === "n" ? "\n" : code;
  });
}
