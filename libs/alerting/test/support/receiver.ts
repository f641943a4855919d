import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

/**
 * A real HTTP receiver on 127.0.0.1 and an ephemeral port. `statuses` are answered in turn (the
 * last one repeats); every request is recorded, whatever it was answered.
 */
export class LocalReceiver {
  readonly requests: ReceivedRequest[] = [];
  #statuses: number[] = [200];
  #delayMs = 0;
  #hangUp = false;
  readonly #server: Server;

  private constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  static async start(): Promise<LocalReceiver> {
    const receiver = new LocalReceiver();
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  answer(...statuses: number[]): this {
    this.#statuses = statuses;
    return this;
  }

  /** Drops every connection without an answer: a network error for the client. */
  hangUp(): this {
    this.#hangUp = true;
    return this;
  }

  delay(ms: number): this {
    this.#delayMs = ms;
    return this;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text === '' ? undefined : JSON.parse(text) });
    if (this.#hangUp) {
      req.socket.destroy();
      return;
    }
    const status = this.#statuses.length > 1 ? (this.#statuses.shift() as number) : (this.#statuses[0] ?? 200);
    if (this.#delayMs > 0) await new Promise((r) => setTimeout(r, this.#delayMs));
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status >= 400 ? `status ${status}` : 'ok');
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
