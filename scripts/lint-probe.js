// For the floor tests: lints probe code as if it sat at a path inside the real tree (nothing is
// written), so eslint.config.js applies the rules of that path.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The messages of rule `ruleId` for `code` linted as `file` (relative to the root). */
export async function ruleMessages(ruleId, file, code) {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${file}` });
  return result.messages.filter((m) => m.ruleId === ruleId).map((m) => m.message);
}

/** The messages of rule `ruleId` for `source` imported (as `kind`: 'import' or 'import type') from `file`. */
export function importMessages(ruleId, file, source, kind = 'import') {
  const code = `${kind} { thing } from '${source}';\nexport const used: unknown = ${kind === 'import' ? 'thing' : 'null as unknown as thing'};\n`;
  return ruleMessages(ruleId, file, code);
}
