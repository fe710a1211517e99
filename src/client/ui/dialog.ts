// Small modal boxes over the screen: a yes/no question (ending a session, reconnecting, shutting down) and a hidden
// prompt (the password when reconnecting). While one is open it gets every key.
import blessed from 'blessed';
import type { Widgets } from 'blessed';
import { escapeTags, type Theme } from './format.ts';
import type { KeyEvent } from './keys.ts';

/** An open dialog: the app hands it keys until it closes. */
export interface Modal {
  /** Handles a key; the dialog closes itself when answered. */
  handleKey(ch: string | undefined, key: KeyEvent): void;
  /** Where the terminal cursor belongs (a prompt), or null to hide it. */
  cursor(): { x: number; y: number } | null;
}

interface Host {
  readonly screen: Widgets.Screen;
  readonly theme: Theme;
  open(modal: Modal): void;
  close(modal: Modal): void;
}

function dialogBox(host: Host, title: string, lines: string[]): Widgets.BoxElement {
  const width = Math.min((host.screen.width as number) - 4, Math.max(40, ...lines.map((l) => l.length + 4)));
  return blessed.box({
    parent: host.screen,
    top: 'center',
    left: 'center',
    width,
    height: lines.length + 2,
    tags: true,
    border: { type: 'line' },
    label: ` ${title} `,
    content: lines.map(escapeTags).join('\n'),
    style: host.theme.colour ? { border: { fg: 'yellow' } } : {},
  });
}

/** Asks a yes/no question; y or Enter (when `enterMeansYes`) answer yes, n or Esc no. */
export function confirm(host: Host, title: string, question: string, enterMeansYes = false): Promise<boolean> {
  return new Promise((resolve) => {
    const keys = enterMeansYes ? '[Y/n]' : '[y/N]';
    const box = dialogBox(host, title, [...question.split('\n'), '', keys]);
    const modal: Modal = {
      handleKey(ch, key) {
        const yes = ch === 'y' || ch === 'Y' || (enterMeansYes && key.full === 'enter');
        const no = ch === 'n' || ch === 'N' || key.full === 'escape' || key.full === 'C-c' || key.full === 'enter';
        if (!yes && !no) return;
        box.destroy();
        host.close(modal);
        resolve(yes);
      },
      cursor: () => null,
    };
    host.open(modal);
  });
}

/** Asks for a secret without showing it; Esc or Ctrl-C gives null. */
export function askSecret(host: Host, title: string, prompt: string): Promise<string | null> {
  return new Promise((resolve) => {
    const box = dialogBox(host, title, [prompt, '']);
    let secret: string[] = [];
    const finish = (value: string | null) => {
      box.destroy();
      host.close(modal);
      resolve(value);
    };
    const modal: Modal = {
      handleKey(ch, key) {
        if (key.full === 'enter') return finish(secret.join(''));
        if (key.full === 'escape' || key.full === 'C-c') return finish(null);
        if (key.full === 'backspace') secret = secret.slice(0, -1);
        else if (key.full === 'C-u') secret = [];
        else if (ch && !key.ctrl && !key.meta && !/\p{Cc}/u.test(ch)) secret.push(ch);
      },
      // Nothing is echoed, not even stars, as with OpenSSH: the length of a password is a secret too.
      cursor: () => ({ x: (box.aleft as number) + 1, y: (box.atop as number) + 2 }),
    };
    host.open(modal);
  });
}

export type DialogHost = Host;
