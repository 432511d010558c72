/**
 * What a sampled tuple means, for the preview: its label in words, and the truth per element read
 * from the task's `detail` (time ranks, the odd one, S&L's candidate letters). Pure.
 */
import type { TuplePreview } from '@shared/dto.ts';
import type { TaskId } from '@shared/tasks.ts';

export function isTask<T extends TaskId>(preview: TuplePreview, task: T): preview is TuplePreview<T> {
  return preview.task === task;
}

/** "class 7 of 12"; S&L and O3N say what the class stands for once the truth is shown. */
export function labelText(preview: Pick<TuplePreview, 'label' | 'classCount'>): string {
  return `class ${preview.label} of ${preview.classCount}`;
}

/** What the label means, for the revealed truth. */
export function labelMeaning(preview: TuplePreview): string {
  if (isTask(preview, 'order-verification')) return preview.label === 1 ? 'correct order' : 'wrong order';
  if (isTask(preview, 'odd-one-out')) return `element ${preview.label + 1} is the odd one`;
  if (isTask(preview, 'sequence-sorting')) return 'one of 12 orders; an order and its reverse share a class';
  return `order number ${preview.label} of the ${preview.classCount} possible`;
}

/** 0 → "1st", 1 → "2nd", 10 → "11th", 21 → "22nd". */
export function ordinal(rank: number): string {
  const n = rank + 1;
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** An order as people count, 1 = earliest: [2, 0, 1] → "3-1-2" (as the samplers' explanations). */
export function orderText(order: readonly number[]): string {
  return order.map((rank) => rank + 1).join('-');
}

export const CANDIDATE_LETTERS = ['a', 'b', 'c', 'd', 'e'] as const;

/** The truth about one shown element. */
export interface ElementTruth {
  /** Short badge text, e.g. "b", "2nd", "odd". */
  badge: string;
  /** Time rank among the elements (0 = earliest), where the task orders elements. */
  rank: number | null;
  /** O3N: this is the odd subsequence. */
  odd: boolean;
  /** Per frame of the element: its time rank inside the element, where that is the question. */
  frameRanks: (number | null)[] | null;
  /** One sentence for a tooltip / screen readers. */
  description: string;
}

/** Truth per element, in the shown order; elements the detail does not cover get a neutral entry. */
export function elementTruths(preview: TuplePreview): ElementTruth[] {
  const plain = (i: number): ElementTruth => ({
    badge: '',
    rank: null,
    odd: false,
    frameRanks: null,
    description: `element ${i + 1}`,
  });
  const ranked = (order: readonly number[], noun: string) =>
    preview.elements.map((_, i): ElementTruth => {
      const rank = order[i];
      if (typeof rank !== 'number') return plain(i);
      return {
        badge: ordinal(rank),
        rank,
        odd: false,
        frameRanks: null,
        description: `${noun} ${i + 1} is the ${ordinal(rank)} in time`,
      };
    });

  if (isTask(preview, 'order-verification')) {
    const { candidates, kind } = preview.detail;
    return preview.elements.map((element, i): ElementTruth => {
      const frame = element.frames[0]?.frame;
      const index = frame === undefined ? -1 : candidates.indexOf(frame);
      const letter = CANDIDATE_LETTERS[index];
      if (!letter) return plain(i);
      const wrongMiddle = i === 1 && kind !== 'positive';
      return {
        badge: letter,
        rank: index,
        odd: wrongMiddle,
        frameRanks: null,
        description: `frame ${i + 1} is candidate ${letter} (frame ${frame})${wrongMiddle ? ', out of order' : ''}`,
      };
    });
  }
  if (isTask(preview, 'sequence-sorting')) return ranked(preview.detail.order, 'frame');
  if (isTask(preview, 'clip-order')) return ranked(preview.detail.order, 'clip');
  if (isTask(preview, 'odd-one-out')) {
    const { oddIndex, oddOrder } = preview.detail;
    return preview.elements.map((element, i): ElementTruth => {
      if (i !== oddIndex) {
        return {
          badge: 'in order',
          rank: null,
          odd: false,
          frameRanks: element.frames.map((_, f) => f),
          description: `subsequence ${i + 1} is in time order`,
        };
      }
      return {
        badge: 'odd',
        rank: null,
        odd: true,
        frameRanks: element.frames.map((_, f) => oddOrder[f] ?? null),
        description: `subsequence ${i + 1} is the odd one, shown in time order ${orderText(oddOrder)}`,
      };
    });
  }
  return preview.elements.map((_, i) => plain(i));
}

/** Shown element indices sorted into time order, for the tasks that order elements; null otherwise. */
export function timeOrder(preview: TuplePreview): number[] | null {
  if (!isTask(preview, 'sequence-sorting') && !isTask(preview, 'clip-order')) return null;
  const order = preview.detail.order;
  if (order.length !== preview.elements.length) return null;
  return order.map((_, i) => i).sort((a, b) => (order[a] as number) - (order[b] as number));
}

/** S&L: the five candidates a–e with their frames, and which the tuple shows. */
export function candidateRows(preview: TuplePreview): { letter: string; frame: number; shown: boolean }[] | null {
  if (!isTask(preview, 'order-verification')) return null;
  const shown = new Set(preview.elements.flatMap((e) => e.frames.map((f) => f.frame)));
  return preview.detail.candidates.map((frame, i) => ({
    letter: CANDIDATE_LETTERS[i] ?? String(i + 1),
    frame,
    shown: shown.has(frame),
  }));
}

/** One-line summary of the structured truth (the sampler's `explanation` is shown next to it). */
export function truthSummary(preview: TuplePreview): string {
  if (isTask(preview, 'order-verification')) {
    const letters = elementTruths(preview).map((t) => t.badge || '?').join(', ');
    const kind = preview.detail.kind;
    const words =
      kind === 'positive'
        ? 'positive'
        : kind === 'negative-before'
          ? 'negative: the middle frame is a, from before b'
          : 'negative: the middle frame is e, from after d';
    return `${words} — shows (${letters})`;
  }
  if (isTask(preview, 'sequence-sorting')) return `Frames shown in time order ${orderText(preview.detail.order)}`;
  if (isTask(preview, 'clip-order')) return `Clips shown in time order ${orderText(preview.detail.order)}`;
  if (isTask(preview, 'odd-one-out')) {
    return `Element ${preview.detail.oddIndex + 1} is odd; its frames are in time order ${orderText(preview.detail.oddOrder)}`;
  }
  return '';
}

/** Every frame index the tuple uses, ascending, once each. */
export function usedFrames(preview: Pick<TuplePreview, 'elements'>): number[] {
  return [...new Set(preview.elements.flatMap((e) => e.frames.map((f) => f.frame)))].sort((a, b) => a - b);
}

/** Each frame the tuple uses with the (shown) element it belongs to, for the motion curve's ticks. */
export function frameMarks(preview: Pick<TuplePreview, 'elements'>): { frame: number; element: number }[] {
  return preview.elements.flatMap((element, index) =>
    [...new Set(element.frames.map((f) => f.frame))].map((frame) => ({ frame, element: index })),
  );
}

const CHANNELS = ['R', 'G', 'B'] as const;

/** Annotations of a frame as the network sees it: "flipped", "R only". */
export function frameNotes(frame: { flip: boolean; channel: 0 | 1 | 2 | null }): string[] {
  const notes: string[] = [];
  if (frame.flip) notes.push('flipped');
  if (frame.channel !== null) notes.push(`${CHANNELS[frame.channel]} only`);
  return notes;
}
