import type { TaskInfo } from '../../shared/dto.ts';
import { TASK_IDS, TASK_PRESETS, type TaskId } from '../../shared/tasks.ts';

const DESCRIPTIONS: Record<TaskId, Omit<TaskInfo, 'id' | 'presets'>> = {
  'order-verification': {
    title: 'Order verification',
    paper: 'Shuffle & Learn, Misra et al. ECCV 2016',
    summary: 'Is a 3-frame tuple, taken from 5 high-motion frames, in the right order?',
  },
  'sequence-sorting': {
    title: 'Sequence sorting',
    paper: 'OPN, Lee et al. ICCV 2017',
    summary: 'Which of 12 orders (forward = backward) are 4 shuffled frames in?',
  },
  'odd-one-out': {
    title: 'Odd-one-out',
    paper: 'O3N, Fernando et al. CVPR 2017',
    summary: 'Which of N+1 subsequences is the one whose frames are out of order?',
  },
  'clip-order': {
    title: 'Clip order prediction',
    paper: 'VCOP, Xu et al. CVPR 2019',
    summary: 'In which of 6 orders are 3 shuffled 16-frame clips?',
  },
};

/** The four pretext tasks with their presets (copied, so callers may edit them). */
export function listTasks(): TaskInfo[] {
  return TASK_IDS.map((id) => ({
    id,
    ...DESCRIPTIONS[id],
    presets: structuredClone({ paper: TASK_PRESETS[id].paper, tiny: TASK_PRESETS[id].tiny }) as TaskInfo['presets'],
  }));
}
