/** Two small charts drawn as inline SVG: pillar scores against target, and a week's energy. */
import { weekdayOf } from '../dates.ts';
import type { Score } from '../types.ts';

const ROW = 30;
const LABEL = 130;
const WIDTH = 480;
const BAR = WIDTH - LABEL - 64;

/** One bar per pillar: linked entries against the weekly target (the dashed line). */
export function ScoreBars({ scores, caption }: { scores: Score[]; caption: string }) {
  if (scores.length === 0) {
    return <p class="muted">No pillars to score yet.</p>;
  }
  const max = Math.max(1, ...scores.map((s) => s.ratio));
  const x = (ratio: number) => LABEL + (ratio / max) * BAR;
  const height = scores.length * ROW + 10;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={caption}>
        {scores.map((s, i) => {
          const y = i * ROW + 5;
          return (
            <g key={s.pillarId}>
              <text x={LABEL - 8} y={y + 15} text-anchor="end" class="label">
                {s.name.length > 16 ? `${s.name.slice(0, 15)}…` : s.name}
              </text>
              <rect x={LABEL} y={y} width={BAR} height={20} class="track" rx={3} />
              <rect
                x={LABEL}
                y={y}
                width={Math.max(0, x(s.ratio) - LABEL)}
                height={20}
                class={s.target > 0 && s.ratio >= 1 ? 'bar met' : 'bar'}
                rx={3}
              />
              <text x={LABEL + BAR + 8} y={y + 15} class="value">
                {s.target > 0 ? `${s.entries} / ${s.target}` : `${s.entries}`}
              </text>
            </g>
          );
        })}
        <line x1={x(1)} x2={x(1)} y1={0} y2={height} class="target" />
      </svg>
      <figcaption>{caption}; the dashed line is the target.</figcaption>
    </figure>
  );
}

/** The morning's mental state (1-10) for each day of a week; an empty day shows no bar. */
export function EnergyChart({ days }: { days: { date: string; value: number | null }[] }) {
  const width = 420;
  const height = 170;
  const top = 10;
  const base = 140;
  const slot = width / days.length;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Mental state each morning">
        <line x1={0} x2={width} y1={base} y2={base} class="axis" />
        {days.map((d, i) => {
          const h = d.value === null ? 0 : ((base - top) * d.value) / 10;
          const cx = i * slot + slot / 2;
          return (
            <g key={d.date}>
              {d.value !== null && (
                <>
                  <rect x={cx - 14} y={base - h} width={28} height={h} class="bar energy" rx={3} />
                  <text x={cx} y={base - h - 4} text-anchor="middle" class="value">
                    {d.value}
                  </text>
                </>
              )}
              <text x={cx} y={base + 18} text-anchor="middle" class="label">
                {weekdayOf(d.date)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>Mental state each morning, 1 to 10.</figcaption>
    </figure>
  );
}
