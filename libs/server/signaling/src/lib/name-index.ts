import { SearchResult } from './user-directory';

/** One letter of a key: the name that ends here (if someone holds it) and the keys that go on. */
interface Node {
  name: string | undefined;
  /** Sorted, so a walk meets keys in byte order, as Redis' ZRANGEBYLEX does. */
  readonly letters: string[];
  readonly next: Node[];
}

const emptyNode = (): Node => ({ name: undefined, letters: [], next: [] });

/**
 * Names by their lower-case key, for "starts with" lookups whose cost is bounded by how many names
 * are asked for, never by how many are indexed (a sorted array would move every later key on each
 * insert). A trie: adding or removing a name touches at most its 64 letters, and since empty
 * branches are pruned, every branch a search walks ends in a name, so collecting `limit` names
 * visits at most `limit` × 64 nodes.
 */
export class NameIndex {
  private readonly root = emptyNode();

  add(key: string, name: string): void {
    let node = this.root;
    for (const letter of key) {
      const at = position(node.letters, letter);
      if (node.letters[at] !== letter) {
        node.letters.splice(at, 0, letter);
        node.next.splice(at, 0, emptyNode());
      }
      node = node.next[at];
    }
    node.name = name;
  }

  remove(key: string): void {
    const path: { node: Node; at: number }[] = [];
    let node = this.root;
    for (const letter of key) {
      const at = position(node.letters, letter);
      if (node.letters[at] !== letter) return;
      path.push({ node, at });
      node = node.next[at];
    }
    node.name = undefined;
    // Prune the branch back to the last node that still leads to a name.
    for (let index = path.length - 1; index >= 0; index--) {
      const { node: parent, at } = path[index];
      const child = parent.next[at];
      if (child.name !== undefined || child.letters.length > 0) return;
      parent.letters.splice(at, 1);
      parent.next.splice(at, 1);
    }
  }

  /** At most `limit` names whose key starts with `prefix` (a key), in key order. */
  startingWith(prefix: string, limit: number): SearchResult {
    let node: Node | undefined = this.root;
    for (const letter of prefix) {
      const at = position(node.letters, letter);
      node = node.letters[at] === letter ? node.next[at] : undefined;
      if (node === undefined) return { users: [], more: false };
    }
    const users: string[] = [];
    // One more than asked for tells whether there are more.
    collect(node, users, limit + 1);
    return { users: users.slice(0, limit), more: users.length > limit };
  }
}

/** Depth-first, names before their longer keys; false once `into` is full. */
function collect(node: Node, into: string[], limit: number): boolean {
  if (node.name !== undefined) {
    into.push(node.name);
    if (into.length >= limit) return false;
  }
  for (const child of node.next) {
    if (!collect(child, into, limit)) return false;
  }
  return true;
}

/** Where `letter` is, or would go, in the sorted `letters`. */
function position(letters: readonly string[], letter: string): number {
  let low = 0;
  let high = letters.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (letters[middle] < letter) low = middle + 1;
    else high = middle;
  }
  return low;
}
