// Turns rounds of figures into the report's rows: the median of each figure per server, and Keyhole ÷ sshd.
import { median } from '../stats.ts';
import type { ServerName } from '../targets/target.ts';
import type { Figures, MetricDef } from './metrics.ts';

export type Round = Partial<Record<ServerName, Figures>>;

export interface Row {
  readonly def: MetricDef;
  readonly keyhole: number | null;
  readonly sshd: number | null;
  /** Keyhole ÷ sshd, when both were measured. */
  readonly ratio: number | null;
  /** Whether the ratio meets the figure's target; null without a target or a ratio. */
  readonly met: boolean | null;
  /** What the figure's client negotiated ('curve25519-sha256, chacha20-poly1305', per server when they differ). */
  readonly transport?: string;
  /** The Node that ran Keyhole. */
  readonly node?: string;
}

/** The median over rounds of one figure for one server; null when no round measured it. */
function medianOf(rounds: readonly Round[], server: ServerName, id: MetricDef['id']): number | null {
  const values = rounds.map((r) => r[server]?.[id]).filter((v): v is number => typeof v === 'number');
  return values.length > 0 ? median(values) : null;
}

/** One row per figure that any round measured on any server (or that is defined but unavailable), in order. */
export function aggregate(defs: readonly MetricDef[], rounds: readonly Round[]): Row[] {
  const measured = (id: MetricDef['id']) => rounds.some((r) => Object.values(r).some((f) => f && id in f));
  return defs
    .filter((def) => measured(def.id))
    .map((def) => {
      const keyhole = medianOf(rounds, 'keyhole', def.id);
      const sshd = medianOf(rounds, 'sshd', def.id);
      const ratio = keyhole !== null && sshd !== null && sshd !== 0 ? keyhole / sshd : null;
      const met =
        ratio === null || !def.target
          ? null
          : def.target.op === '<='
            ? ratio <= def.target.ratio
            : ratio >= def.target.ratio;
      return { def, keyhole, sshd, ratio, met };
    });
}
