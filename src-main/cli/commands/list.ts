import { VIDEO_STATUSES, type VideoDto, type VideoStatus } from '../../shared/dto.ts';
import { CliError, createSession, requireLibrary, type CommandContext } from '../context.ts';

const PAGE = 1000;

function formatRow(video: VideoDto): string {
  const size = video.width && video.height ? `${video.width}x${video.height}` : '-';
  const duration = video.durationS === null ? '-' : `${video.durationS.toFixed(1)}s`;
  const detail = video.error ? `  (${video.error})` : '';
  return `${String(video.id).padStart(6)}  ${video.status.padEnd(9)} ${(video.label ?? '-').padEnd(20)} ${size.padEnd(10)} ${duration.padStart(8)}  ${video.path}${detail}`;
}

export async function runList(context: CommandContext): Promise<number> {
  const status = context.options.status;
  if (status !== undefined && !(VIDEO_STATUSES as readonly string[]).includes(status)) {
    throw new CliError(`--status must be one of ${VIDEO_STATUSES.join(', ')}.`);
  }
  const session = createSession();
  try {
    await session.call('library.open', { path: requireLibrary(context), create: false, readOnly: true });
    const videos: VideoDto[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await session.call('videos.list', {
        offset,
        limit: PAGE,
        ...(context.options.label !== undefined ? { label: context.options.label } : {}),
        ...(status !== undefined ? { status: status as VideoStatus } : {}),
      });
      videos.push(...page.items);
      if (offset + PAGE >= page.total) break;
    }
    if (context.json) console.log(JSON.stringify({ total: videos.length, videos }, null, 2));
    else videos.forEach((video) => console.log(formatRow(video)));
    return 0;
  } finally {
    await session.studio.close();
  }
}
