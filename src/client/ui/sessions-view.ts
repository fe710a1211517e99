// The admin's sessions view (F2, `sessions`, `:sessions`): a table of the server's live sessions that refreshes itself
// every two seconds, a selection, and a key to end the selected session after a confirmation.
import blessed from 'blessed';
import type { Widgets } from 'blessed';
import type { SessionInfo } from '../../protocol/frames.ts';
import type { ProtocolSession } from '../session.ts';
import { confirm, type DialogHost } from './dialog.ts';
import { escapeTags, paint } from './format.ts';
import type { KeyEvent } from './keys.ts';
import { sessionsFooter, sessionsTable } from './sessions-table.ts';

const REFRESH_MS = 2000;

export interface SessionsHost extends DialogHost {
  requestRender(): void;
  /** The connected client, or null while disconnected. */
  client(): ProtocolSession | null;
  /** This login's own session id. */
  self(): string;
}

/** The view; created hidden, opened and closed by the app. */
export class SessionsView {
  readonly #box: Widgets.BoxElement;
  readonly #header: Widgets.BoxElement;
  readonly #list: Widgets.ListElement;
  readonly #footer: Widgets.BoxElement;
  #sessions: SessionInfo[] = [];
  #timer: NodeJS.Timeout | null = null;
  #loading = false;
  #message = '';

  constructor(private readonly host: SessionsHost) {
    const colour = host.theme.colour;
    this.#box = blessed.box({
      parent: host.screen,
      top: 0,
      left: 0,
      width: '100%',
      height: '100%-2',
      hidden: true,
      border: { type: 'line' },
      label: ' Sessions (F2 or Esc to close) ',
      style: colour ? { border: { fg: 'cyan' } } : {},
    });
    this.#header = blessed.box({ parent: this.#box, top: 0, left: 0, right: 0, height: 1, tags: true });
    this.#list = blessed.list({
      parent: this.#box,
      top: 1,
      left: 0,
      right: 0,
      bottom: 1,
      tags: false,
      mouse: true,
      style: { selected: colour ? { bg: 'blue', fg: 'white' } : { inverse: true } },
    });
    this.#footer = blessed.box({ parent: this.#box, bottom: 0, left: 0, right: 0, height: 1, tags: true });
  }

  get isOpen(): boolean {
    return !this.#box.hidden;
  }

  open(): void {
    this.#box.show();
    this.#box.setFront();
    this.#message = 'loading...';
    this.#draw();
    void this.refresh();
    this.#timer ??= setInterval(() => void this.refresh(), REFRESH_MS);
  }

  close(): void {
    this.#box.hide();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.host.requestRender();
  }

  /** Keys while the view is open: selection, refresh, end a session, close. */
  handleKey(ch: string | undefined, key: KeyEvent): void {
    const at = (this.#list as unknown as { selected: number }).selected;
    this.#message = '';
    if (key.full === 'escape' || key.full === 'f2' || ch === 'q') return this.close();
    if (key.full === 'up' || key.full === 'down') this.#list.select(at + (key.full === 'up' ? -1 : 1));
    else if (ch === 'r') void this.refresh();
    else if (ch === 'k' || key.full === 'delete') void this.#endSelected(at);
    this.host.requestRender();
  }

  /** Fetches the sessions again and redraws the table. */
  async refresh(): Promise<void> {
    const client = this.host.client();
    if (!client) return this.#show('not connected');
    if (this.#loading) return;
    this.#loading = true;
    try {
      this.#sessions = await client.sessions();
      if (this.#message.startsWith('cannot list') || this.#message === 'loading...') this.#message = '';
    } catch (err) {
      this.#message = `cannot list sessions: ${(err as Error).message}`;
    } finally {
      this.#loading = false;
    }
    this.#draw();
  }

  /** Redraws for a new terminal size. */
  relayout(): void {
    if (this.isOpen) this.#draw();
  }

  async #endSelected(index: number): Promise<void> {
    const target = this.#sessions[index];
    const client = this.host.client();
    if (!target || !client) return;
    const own = target.id === this.host.self() ? ' This is your own session: the client will disconnect.' : '';
    const question = `End session ${target.id} (${target.user} from ${target.address})?${own}`;
    if (!(await confirm(this.host, 'End session', question))) return;
    try {
      await client.kill(target.id);
      this.#show(`ended session ${target.id}`);
    } catch (err) {
      this.#show(`could not end session ${target.id}: ${(err as Error).message}`);
    }
    await this.refresh();
  }

  #show(message: string): void {
    this.#message = message;
    this.#draw();
  }

  #draw(): void {
    if (!this.isOpen) return;
    const width = Math.max(10, (this.#box.width as number) - 2);
    const { header, rows } = sessionsTable(this.#sessions, this.host.self(), width);
    const at = (this.#list as unknown as { selected: number }).selected;
    this.#header.setContent(paint(escapeTags(header), 'bold', this.host.theme));
    this.#list.setItems(rows);
    this.#list.select(Math.min(at, Math.max(0, rows.length - 1)));
    const footer = sessionsFooter(this.#sessions.length, this.#message, width);
    this.#footer.setContent(paint(escapeTags(footer), 'note', this.host.theme));
    this.host.requestRender();
  }
}
