// The screen and its widgets: the output pane (scrollable, wheel and keys), an optional commands panel on the right,
// the input line and the status bar at the bottom. Sizes are relative, so blessed reflows them when the terminal
// is resized. The only place besides the other ui/ widgets that creates blessed objects.
import blessed from 'blessed';
import type { Widgets } from 'blessed';
import type { Theme } from './format.ts';

/** The commands panel's width on screens of up to 85 columns; wider ones get 40% of their width, up to 100. */
export const PANEL_WIDTH = 34;
const PANEL_MAX_WIDTH = 100;
const PANEL_SHARE = 0.4;
/** Columns the output pane keeps however narrow the screen. */
const OUTPUT_MIN_WIDTH = 20;
/** At this width and wider the commands panel starts open. */
export const PANEL_AUTO_WIDTH = 120;

/** The commands panel's width (borders included) on a screen `columns` wide. */
export function panelWidth(columns: number): number {
  const wanted = Math.min(PANEL_MAX_WIDTH, Math.max(PANEL_WIDTH, Math.floor(columns * PANEL_SHARE)));
  return Math.max(4, Math.min(wanted, columns - OUTPUT_MIN_WIDTH));
}

export interface Layout {
  readonly screen: Widgets.Screen;
  readonly output: Widgets.BoxElement;
  readonly panel: Widgets.BoxElement;
  readonly input: Widgets.BoxElement;
  readonly status: Widgets.BoxElement;
}

/** Creates the screen (entering the alternate buffer) and the widgets. */
export function createLayout(theme: Theme, title: string): Layout {
  const screen = blessed.screen({
    smartCSR: true,
    fullUnicode: theme.unicode,
    title,
    warnings: false,
    autoPadding: true,
  });
  // In a UTF-8 terminal, draw lines and marks as the characters they are (as NCURSES_NO_UTF8_ACS=1 does): the
  // alternate character set would show as letters in tmux's captures and some terminals.
  if (theme.unicode) (screen.program as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
  const output = blessed.box({
    parent: screen,
    top: 0,
    left: 0,
    width: '100%',
    height: '100%-2',
    tags: true,
    scrollable: true,
    alwaysScroll: true,
    mouse: true,
    wrap: true,
    scrollbar: { ch: ' ', style: theme.colour ? { bg: 'blue' } : { inverse: true } },
  });
  const panel = blessed.box({
    parent: screen,
    top: 0,
    right: 0,
    width: PANEL_WIDTH,
    height: '100%-2',
    tags: true,
    hidden: true,
    scrollable: true,
    alwaysScroll: true,
    mouse: true,
    border: { type: 'line' },
    label: ' Commands (F1) ',
    style: theme.colour ? { border: { fg: 'cyan' } } : {},
  });
  const input = blessed.box({ parent: screen, bottom: 1, left: 0, width: '100%', height: 1, tags: true });
  const status = blessed.box({
    parent: screen,
    bottom: 0,
    left: 0,
    width: '100%',
    height: 1,
    tags: true,
    style: theme.colour ? { bg: 'blue', fg: 'white' } : { inverse: true },
  });
  return { screen, output, panel, input, status };
}

/** Shows or hides the commands panel, sized for the screen, narrowing the output pane to make room for it. */
export function showPanel(layout: Layout, visible: boolean): void {
  const width = panelWidth(layout.screen.width as number);
  if (visible) layout.panel.show();
  else layout.panel.hide();
  layout.panel.width = width;
  layout.output.width = visible ? `100%-${width}` : '100%';
}

/** Which of the panel's lines show (1-based, of `total`), for its label: a cut-off list then reads as one that scrolls. */
export function panelView(panel: Widgets.BoxElement): { first: number; last: number; total: number } {
  (panel as unknown as { parseContent(): void }).parseContent();
  const rows = Math.max(1, (panel.height as number) - (panel.iheight as number));
  const total = panel.getScrollHeight();
  const first = Math.min(panel.childBase, Math.max(0, total - rows)) + 1;
  return { first, last: Math.min(total, first + rows - 1), total };
}
