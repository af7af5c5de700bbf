import type { TraceCandidate, TraceRecord } from '@nucleus/samplers';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartDataset,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import { el, tokenLabel } from './dom.js';

// Only what a bar chart with a legend and tooltips needs: the rest of Chart.js is tree-shaken away.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Most tokens on the chart's axis. */
const MAX_TOKENS = 12;
/** Bar colours per stage (raw first), each at least 3:1 against the white background (WCAG non-text contrast). */
const COLORS = ['#4a5568', '#1d6fb8', '#b8461d', '#2f7d32', '#7b3fa0', '#a3325f', '#00707a', '#8a6d00'];

/** The distribution chart and its table: shows one trace record (one step of one sequence). */
export interface ChartView {
  /** Shows a step; `decode` turns a token id into its text. */
  show(record: TraceRecord, decode: (id: number) => string): void;
  clear(message: string): void;
}

/** One stage's candidates: the raw distribution, then after each processor. */
interface StageView {
  readonly name: string;
  readonly top: readonly TraceCandidate[];
  readonly entropy: number;
  readonly removedCount: number | undefined;
  readonly removedFromTop: readonly number[];
}

function stagesOf(record: TraceRecord): StageView[] {
  return [
    { name: 'raw logits', ...record.before, removedCount: undefined, removedFromTop: [] },
    ...record.stages,
  ];
}

/**
 * Creates the chart (Chart.js, canvas) with its text alternative: the table lists every stage with its
 * entropy, the tokens it removed and its most likely tokens, all set as text.
 */
export function createChartView(
  canvas: HTMLCanvasElement,
  table: HTMLTableElement,
  caption: HTMLElement,
): ChartView {
  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const chart = new Chart<'bar', (number | null)[], string>(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: {
      indexAxis: 'y',
      animation: reducedMotion ? false : { duration: 150 },
      maintainAspectRatio: false,
      responsive: true,
      scales: {
        x: {
          min: 0,
          suggestedMax: 0.1,
          title: { display: true, text: 'probability', color: '#1a202c' },
          ticks: { color: '#1a202c' },
        },
        y: { ticks: { color: '#1a202c', autoSkip: false } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { color: '#1a202c', boxWidth: 14 } },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label}: ${Number(item.raw).toFixed(4)}`,
          },
        },
      },
    },
  });
  const body = table.tBodies[0]!;

  return {
    show(record, decode) {
      const stages = stagesOf(record);
      // The axis: the raw top tokens first, then tokens that rose into a later stage's top.
      const ids: number[] = [];
      for (const stage of stages) {
        for (const candidate of stage.top) {
          if (ids.length < MAX_TOKENS && !ids.includes(candidate.id)) ids.push(candidate.id);
        }
      }
      chart.data.labels = ids.map((id) => tokenLabel(decode(id)));
      chart.data.datasets = stages.map(
        (stage, index): ChartDataset<'bar', (number | null)[]> => ({
          label: stage.name,
          backgroundColor: COLORS[index % COLORS.length]!,
          data: ids.map((id) => {
            const candidate = stage.top.find((entry) => entry.id === id);
            if (candidate !== undefined) return candidate.probability;
            // Removed by this stage or an earlier one: probability 0. Otherwise outside this stage's top: unknown.
            const removed = stages
              .slice(0, stages.indexOf(stage) + 1)
              .some((s) => s.removedFromTop.includes(id));
            return removed ? 0 : null;
          }),
        }),
      );
      chart.update();

      const chosen =
        record.chosen === null
          ? 'beam search keeps several tokens'
          : `chose ${tokenLabel(decode(record.chosen))}`;
      caption.textContent = `Step ${record.step + 1}: ${chosen}. Entropy ${record.before.entropy.toFixed(3)} nats before the processors, ${record.entropyAfter.toFixed(3)} after.`;
      canvas.setAttribute(
        'aria-label',
        `Bar chart of the next-token probabilities at step ${record.step + 1} after each stage; the table below lists the same data.`,
      );
      body.replaceChildren(
        ...stages.map((stage) =>
          el('tr', {}, [
            el('th', { text: stage.name, attrs: { scope: 'row' } }),
            el('td', { text: stage.entropy.toFixed(3) }),
            el('td', {
              text: stage.removedCount === undefined ? '' : stage.removedCount.toLocaleString('en-US'),
            }),
            el('td', {
              text: stage.top
                .filter((candidate) => candidate.probability > 0)
                .slice(0, 5)
                .map((candidate) => `${tokenLabel(decode(candidate.id))} ${candidate.probability.toFixed(3)}`)
                .join(', '),
            }),
          ]),
        ),
      );
    },
    clear(message) {
      chart.data.labels = [];
      chart.data.datasets = [];
      chart.update();
      caption.textContent = message;
      canvas.setAttribute('aria-label', message);
      body.replaceChildren();
    },
  };
}
