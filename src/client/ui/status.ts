// The status bar's text: who and where, the role, the connection's state, the last exit code, the latency, and key
// hints, cut to the terminal's width by dropping the least useful parts first. Pure.
import { escapeTags, paint, type Theme, type Tone } from './format.ts';

export type LinkState = 'connected' | 'running' | 'disconnected' | 'reconnecting' | 'not responding';

export interface StatusInfo {
  /** `user@host:port`. */
  readonly label: string;
  readonly role: string;
  readonly admin: boolean;
  readonly state: LinkState;
  readonly lastExit: number | null;
  readonly latencyMs: number | null;
  /** Lines of output below the visible part (the user scrolled up), 0 when following the output. */
  readonly below: number;
  /** Commands typed ahead while one runs. */
  readonly queued: number;
}

interface Part {
  readonly text: string;
  readonly tone?: Tone;
  /** Lower goes first when the bar is too narrow. */
  readonly keep: number;
  /** A shorter text, tried before the part goes. */
  readonly short?: string;
}

const STATE_TONE: Record<LinkState, Tone> = {
  connected: 'ok',
  running: 'note',
  disconnected: 'fail',
  reconnecting: 'note',
  'not responding': 'fail',
};

/** The status bar for a terminal `width` columns wide, in blessed markup. */
export function statusLine(info: StatusInfo, width: number, theme: Theme): string {
  const parts = statusParts(info, theme);
  const sep = theme.unicode ? ' │ ' : ' | ';
  const fits = (ps: Part[]) => ps.reduce((n, p) => n + p.text.length, 0) + sep.length * (ps.length - 1) + 2 <= width;
  let shown = parts;
  while (shown.length > 1 && !fits(shown)) {
    const least = Math.min(...shown.map((p) => p.keep));
    const part = shown.find((q) => q.keep === least)!;
    const shorter: Part | null = part.short === undefined ? null : { ...part, text: part.short, short: undefined };
    shown = shown.flatMap((p) => (p !== part ? [p] : shorter ? [shorter] : []));
  }
  const text = shown.map((p) => (p.tone ? paint(escapeTags(p.text), p.tone, theme) : escapeTags(p.text))).join(sep);
  const plainLength = shown.reduce((n, p) => n + p.text.length, 0) + sep.length * (shown.length - 1);
  return plainLength + 1 > width ? escapeTags(shown[0]!.text.slice(0, Math.max(0, width - 2))) : ` ${text}`;
}

function statusParts(info: StatusInfo, theme: Theme): Part[] {
  const dot = theme.unicode ? '● ' : '';
  const parts: Part[] = [
    { text: info.label, keep: 9 },
    { text: info.admin && !/admin/i.test(info.role) ? `${info.role} (admin)` : info.role, keep: 5 },
    { text: `${dot}${info.state}`, tone: STATE_TONE[info.state], keep: 8 },
  ];
  if (info.lastExit !== null) {
    parts.push({ text: `exit ${info.lastExit}`, tone: info.lastExit === 0 ? 'ok' : 'fail', keep: 7 });
  }
  if (info.latencyMs !== null) parts.push({ text: `${Math.round(info.latencyMs)} ms`, keep: 4 });
  if (info.queued > 0) parts.push({ text: `${info.queued} queued`, tone: 'note', keep: 6 });
  if (info.below > 0) parts.push({ text: `${info.below} more below (PgDn)`, tone: 'note', keep: 6 });
  parts.push(
    info.admin
      ? { text: 'F1 commands  F2 sessions  ^D quit', short: 'F1 cmds  F2 sess  ^D quit', keep: 1 }
      : { text: 'F1 commands  ^D quit', short: 'F1 cmds  ^D quit', keep: 1 },
  );
  return parts;
}
