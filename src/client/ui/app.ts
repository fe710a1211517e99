// `keyhole connect`'s full-screen client: wires the widgets to the connection, routes keys (a dialog first, then the
// sessions view, then the commands panel while it has the keys, then the global keys, then the input line), queues
// typed-ahead lines, and restores the terminal on quit.
import type { Widgets } from 'blessed';
import { formatColumns } from '../../line/text.ts';
import type { RunStream } from '../session.ts';
import { panelLabel, panelLines, welcomeLines } from './commands-text.ts';
import { candidatesAt } from './complete.ts';
import { Connection, type Reopen } from './connection.ts';
import type { Modal } from './dialog.ts';
import { perform, type AppContext } from './dispatch.ts';
import { noteLine, refusalLine, type Theme } from './format.ts';
import { appendHistory, loadHistory } from './history-store.ts';
import { InputLine } from './input-line.ts';
import type { KeyEvent } from './keys.ts';
import { createLayout, PANEL_AUTO_WIDTH, panelView, showPanel, type Layout } from './layout.ts';
import type { Link } from './link.ts';
import { OutputPane } from './output-pane.ts';
import { offerReconnect, reconnect } from './recovery.ts';
import { SessionsView } from './sessions-view.ts';
import { statusLine } from './status.ts';

export interface AppOptions {
  readonly target: { readonly user: string; readonly host: string; readonly port: number };
  readonly theme: Theme;
  readonly historyFile: string;
  /** The connection made before the screen opened, so host-key and password prompts happen on the plain terminal. */
  readonly link: Link;
  /** Connects again with the same options (after a drop). */
  readonly reopen: Reopen;
}

/** Runs the client until the user quits; the terminal is restored when the promise resolves. */
export function runApp(options: AppOptions): Promise<void> {
  return new App(options).done;
}

const RENDER_DELAY_MS = 15;

class App implements AppContext {
  readonly theme: Theme;
  readonly label: string;
  readonly layout: Layout;
  readonly screen: Widgets.Screen;
  readonly pane: OutputPane;
  readonly input: InputLine;
  readonly sessions: SessionsView;
  readonly connection: Connection;
  readonly done: Promise<void>;
  #resolve!: () => void;
  #modals: Modal[] = [];
  #run: RunStream | null = null;
  #queue: string[] = [];
  #busy = false;
  #lastExit: number | null = null;
  #admin: boolean;
  /** Whether the commands panel takes the scrolling keys: when the user opened it (not when a wide screen did). */
  #panelKeys = false;
  #renderTimer: NodeJS.Timeout | null = null;
  #historyWarned = false;
  #panelLabel = '';

  constructor(private readonly options: AppOptions) {
    const { user, host, port } = options.target;
    this.theme = options.theme;
    this.label = `${user}@${host}:${port}`;
    this.#admin = options.link.client.hello.admin;
    this.done = new Promise((resolve) => (this.#resolve = resolve));
    this.layout = createLayout(this.theme, `keyhole ${this.label}`);
    this.screen = this.layout.screen;
    this.pane = new OutputPane(this.layout.output, this.theme, () => this.requestRender());
    const candidates = (chars: readonly string[], cursor: number) =>
      candidatesAt(chars, cursor, this.connection.commands, this.admin(), this.mayElevate());
    this.input = new InputLine(this.layout.input, this.theme, candidates, loadHistory(options.historyFile));
    this.input.prompt = this.prompt();
    this.sessions = new SessionsView(this);
    this.connection = new Connection(
      { changed: () => this.#refreshPanel(), dropped: (reason) => void offerReconnect(this, reason) },
      options.reopen,
    );
    this.screen.on('keypress', (ch: string | undefined, key: KeyEvent) => this.#key(ch, key));
    this.screen.on('resize', () => {
      showPanel(this.layout, !this.layout.panel.hidden);
      this.sessions.relayout();
      this.#refreshPanel();
    });
    this.layout.output.on('scroll', () => this.requestRender());
    this.layout.panel.on('scroll', () => this.requestRender());
    showPanel(this.layout, (this.screen.width as number) >= PANEL_AUTO_WIDTH);
    this.#welcome();
    void this.connection.attach(options.link).then(() => this.#refreshPanel());
    this.#draw();
  }

  // --- AppContext

  client = () => this.connection.client;
  self = () => this.connection.client?.hello.session ?? '';
  prompt = () => `${this.options.target.user}@${this.options.target.host}${this.#admin ? '#' : '$'} `;
  admin = () => this.#admin;
  mayElevate = () => !this.#admin && this.connection.client?.hello.elevate === true;
  open = (modal: Modal) => (this.#modals.push(modal), this.requestRender());
  close = (modal: Modal) => ((this.#modals = this.#modals.filter((m) => m !== modal)), this.requestRender());
  setLastExit = (code: number) => (this.#lastExit = code);
  setRun = (run: RunStream | null) => (this.#run = run);

  togglePanel(): void {
    const opening = this.layout.panel.hidden;
    showPanel(this.layout, opening);
    this.#panelKeys = opening;
    if (opening) this.layout.panel.setScroll(0);
    this.#refreshPanel();
  }

  elevated(): void {
    this.#admin = true;
    this.input.prompt = this.prompt();
  }

  quit(): void {
    this.connection.close();
    this.sessions.close();
    if (this.#renderTimer) clearTimeout(this.#renderTimer);
    this.screen.destroy();
    this.#resolve();
  }

  reconnect = () => reconnect(this);

  /** A new login may have another role: the prompt and the admin keys follow it. */
  identityChanged(): void {
    this.#admin = this.client()?.hello.admin ?? this.#admin;
    this.input.prompt = this.prompt();
  }

  requestRender(): void {
    this.#renderTimer ??= setTimeout(() => this.#draw(), RENDER_DELAY_MS);
  }

  // --- keys

  #key(ch: string | undefined, key: KeyEvent): void {
    this.connection.noteActivity();
    const modal = this.#modals.at(-1);
    if (modal) modal.handleKey(ch, key);
    else if (this.sessions.isOpen) this.sessions.handleKey(ch, key);
    else if (!this.#panelKey(key) && !this.#globalKey(key)) this.#inputKey(ch, key);
    this.requestRender();
  }

  // While the user has the panel open, the scrolling keys move it (its text is what they are reading) and Esc closes
  // it; typing still goes to the input line.
  #panelKey(key: KeyEvent): boolean {
    const panel = this.layout.panel;
    if (panel.hidden || !this.#panelKeys) return false;
    const page = Math.max(1, (panel.height as number) - (panel.iheight as number) - 1);
    const lines: Readonly<Record<string, number>> = { pageup: -page, pagedown: page, up: -1, down: 1 };
    if (key.full === 'escape') return (this.togglePanel(), true);
    const by = lines[key.full];
    if (by === undefined) return false;
    panel.scroll(by);
    return true;
  }

  #globalKey(key: KeyEvent): boolean {
    switch (key.full) {
      case 'f1':
        this.togglePanel();
        return true;
      case 'f2':
        if (this.#admin) this.sessions.open();
        else
          this.pane.add(
            noteLine(`the sessions view needs admin rights${this.mayElevate() ? ': type admin' : ''}`, this.theme),
          );
        return true;
      case 'pageup':
      case 'pagedown':
        this.pane.page(key.full === 'pageup' ? -1 : 1);
        return true;
      case 'S-up':
      case 'S-down':
        this.pane.scroll(key.full === 'S-up' ? -1 : 1);
        return true;
      case 'C-l':
        this.pane.clear();
        return true;
    }
    return false;
  }

  #inputKey(ch: string | undefined, key: KeyEvent): void {
    const event = this.input.handleKey(ch, key);
    switch (event.type) {
      case 'submit':
        return this.#submit(event.line);
      case 'eof':
        return this.quit();
      case 'interrupt':
        return this.#interrupt();
      case 'candidates': {
        const width = Math.max(20, (this.layout.output.width as number) - 1);
        return this.pane.add(...formatColumns(event.items, width).map((l) => noteLine(l, this.theme)));
      }
    }
  }

  #submit(line: string): void {
    const saved = appendHistory(this.options.historyFile, line);
    if (!saved.ok && !this.#historyWarned) {
      this.#historyWarned = true;
      this.pane.add(noteLine(saved.reason, this.theme));
    }
    this.#queue.push(line);
    void this.#pump();
  }

  // Lines run one at a time, in the order typed, as in a terminal: what is typed during a command waits its turn.
  async #pump(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    for (let line = this.#queue.shift(); line !== undefined; line = this.#queue.shift()) {
      await perform(this, line).catch((err: Error) => this.pane.add(refusalLine('failed', err.message, this.theme)));
      this.requestRender();
    }
    this.#busy = false;
  }

  #interrupt(): void {
    if (this.#run) {
      this.#run.cancel();
      if (this.#queue.length > 0)
        this.pane.add(noteLine(`dropped ${this.#queue.length} typed-ahead line(s)`, this.theme));
      this.#queue = [];
    } else {
      this.input.clear();
    }
  }

  // --- connection and drawing

  #welcome(): void {
    this.pane.add(...welcomeLines(this.options.link.client.hello, this.label, this.theme));
  }

  #refreshPanel(): void {
    const panel = this.layout.panel;
    if (!panel.hidden) {
      const inner = (panel.width as number) - (panel.iwidth as number);
      panel.setContent(panelLines(this.connection.commands, inner, this.theme).join('\n'));
    }
    this.requestRender();
  }

  #draw(): void {
    this.#renderTimer = null;
    if ((this.screen as { destroyed?: boolean }).destroyed) return;
    this.pane.flush();
    const info = {
      label: this.label,
      role: this.connection.client?.hello.role ?? this.options.link.client.hello.role,
      admin: this.#admin,
      state: this.connection.state,
      lastExit: this.#lastExit,
      latencyMs: this.connection.latencyMs,
      below: this.pane.below(),
      queued: this.#queue.length,
    };
    this.layout.status.setContent(statusLine(info, this.screen.width as number, this.theme));
    this.#labelPanel();
    const column = this.input.render();
    this.screen.render();
    this.#placeCursor(column);
  }

  // The label says which of the panel's lines show, so that a cut-off list reads as one that scrolls.
  #labelPanel(): void {
    const panel = this.layout.panel;
    if (panel.hidden) return;
    const label = panelLabel(panelView(panel), (panel.width as number) - 4);
    if (label !== this.#panelLabel) panel.setLabel((this.#panelLabel = label));
  }

  #placeCursor(column: number): void {
    const program = this.screen.program;
    const modal = this.#modals.at(-1);
    const at = modal
      ? modal.cursor()
      : this.sessions.isOpen
        ? null
        : { x: column, y: this.layout.input.atop as number };
    if (!at) return void program.hideCursor();
    program.cup(at.y, at.x);
    program.showCursor();
  }
}
