import { readFileSync, readdirSync } from 'node:fs';

/**
 * The process ids of the browser whose command line has `marker` (a flag given at launch, e.g.
 * `--duet-measure=sender`) and of all its descendants, read from /proc. For measuring scripts.
 */
export function browserProcesses(marker: string): number[] {
  const parents = new Map<number, number>();
  let root = -1;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (root < 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) root = pid;
    } catch {
      // Gone meanwhile.
    }
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid; at && at > 1; at = parents.get(at)) if (at === root) return true;
    return false;
  };
  return [...parents.keys()].filter(inTree);
}
