// core's import graph has no cycle: each file of src-main/core (tests included) and the files of core
// it imports or re-exports (type-only imports count too), read with TypeScript's parser.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const core = join(root, 'src-main/core');

function sourceFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** The specifiers `source` imports: statements, re-exports and import() calls. */
function importsOf(source) {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

/** Each file of `folder` and the files of `folder` it imports. */
function importGraph(folder) {
  const graph = new Map();
  for (const file of sourceFiles(folder)) {
    const targets = importsOf(readFileSync(file, 'utf8'))
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(dirname(file), specifier))
      .filter((target) => target.startsWith(folder + '/'));
    graph.set(file, targets);
  }
  return graph;
}

/** One cycle of `graph` as its nodes (the first repeated at the end), or null. */
function findCycle(graph) {
  const onPath = new Set();
  const done = new Set();
  const path = [];
  const visit = (node) => {
    onPath.add(node);
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (onPath.has(next)) return [...path.slice(path.indexOf(next)), next];
      if (!done.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = done.has(node) ? null : visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe("core's import graph", () => {
  it('reads imports, type imports, re-exports and import() calls', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type { B } from '../b/b.ts';",
      "export { c } from './c.ts';",
      "const d = await import('./d.ts');",
      "import {\n  e,\n  f,\n} from './ef.ts';",
    ].join('\n');
    expect(importsOf(source).sort()).toEqual(['../b/b.ts', './a.ts', './c.ts', './d.ts', './ef.ts']);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b']], ['b', []]]))).toBeNull();
  });

  it('has no cycle', () => {
    const graph = importGraph(core);
    expect(graph.get(join(core, 'studio.ts'))).toContain(join(core, 'training/training-service.ts'));
    const cycle = findCycle(graph);
    expect(cycle && cycle.map((file) => relative(root, file)).join(' -> ')).toBeNull();
  });
});
