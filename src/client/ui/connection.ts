// The client's view of its connection over time: connected, running, not responding, dropped, reconnecting. It keeps
// the latency and the command list fresh with a heartbeat, and tells the app when the connection drops.
import type { CommandInfo } from '../../protocol/frames.ts';
import type { ProtocolSession } from '../session.ts';
import { measure, type Link } from './link.ts';
import type { LinkState } from './status.ts';

const HEARTBEAT_MS = 5000;
const HEARTBEAT_TIMEOUT_MS = 10_000;

export type AskPassword = () => Promise<string | null>;
/** Opens a new connection to the same server with the same credentials, asking for a password through `ask`. */
export type Reopen = (ask: AskPassword) => Promise<Link>;

export interface ConnectionEvents {
  /** Something the status bar or the panel shows has changed. */
  changed(): void;
  /** The connection is gone (not after `close`). */
  dropped(reason: string): void;
}

/** The current link, if any, and what is known about it. */
export class Connection {
  state: LinkState = 'disconnected';
  latencyMs: number | null = null;
  commands: CommandInfo[] = [];
  #link: Link | null = null;
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  /** Whether the user did something since the last heartbeat: an idle client must look idle to the server too. */
  #active = false;

  constructor(
    private readonly events: ConnectionEvents,
    private readonly reopen: Reopen,
  ) {}

  /** The protocol session while connected. */
  get client(): ProtocolSession | null {
    return this.#link?.client ?? null;
  }

  /** Takes over an open link: fetches the commands, starts the heartbeat, watches for the drop. */
  async attach(link: Link): Promise<void> {
    this.#link = link;
    this.state = this.#running ? 'running' : 'connected';
    void link.closed.then((reason) => this.#lost(link, reason));
    this.#timer ??= setInterval(() => this.#active && void this.#beat(), HEARTBEAT_MS);
    await this.#beat();
  }

  /** Connects again after a drop; resolves with the reason when that fails. */
  async reconnect(ask: AskPassword): Promise<{ ok: true; session: string } | { ok: false; reason: string }> {
    if (this.#link) return { ok: true, session: this.#link.client.hello.session };
    this.state = 'reconnecting';
    this.events.changed();
    try {
      const link = await this.reopen(ask);
      await this.attach(link);
      return { ok: true, session: link.client.hello.session };
    } catch (err) {
      this.state = 'disconnected';
      this.events.changed();
      return { ok: false, reason: (err as Error).message };
    }
  }

  /**
   * The user pressed a key. Heartbeats are sent only after activity, so that a client left alone sends nothing and
   * the server's idle timeout (limits.idleTimeout) ends it as it would end an idle ssh session.
   */
  noteActivity(): void {
    this.#active = true;
  }

  /** Marks whether a command runs (the status bar shows it). */
  setRunning(running: boolean): void {
    this.#running = running;
    if (this.#link && this.state !== 'not responding') this.state = running ? 'running' : 'connected';
    this.events.changed();
  }

  /** Ends the connection for good (quitting): no drop is reported. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const link = this.#link;
    this.#link = null;
    link?.close();
  }

  async #beat(): Promise<void> {
    const link = this.#link;
    this.#active = false;
    if (!link) return;
    try {
      const { latencyMs, commands } = await measure(link.client, HEARTBEAT_TIMEOUT_MS);
      if (link !== this.#link) return;
      [this.latencyMs, this.commands] = [latencyMs, commands];
      this.state = this.#running ? 'running' : 'connected';
    } catch {
      if (link === this.#link) this.state = 'not responding';
    }
    this.events.changed();
  }

  #lost(link: Link, reason: string): void {
    if (link !== this.#link) return; // closed on purpose, or an old link
    this.#link = null;
    this.state = 'disconnected';
    this.latencyMs = null;
    this.events.changed();
    this.events.dropped(reason);
  }
}
