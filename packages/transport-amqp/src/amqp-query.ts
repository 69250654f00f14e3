/** A value of a nested DSN query: `a[b][c]=x` gives `{ a: { b: { c: "x" } } }`. */
export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };

/**
 * Reads a DSN query the way PHP's `parse_str` does, so that a Symfony AMQP DSN reads the same here:
 * `queues[jobs][binding_keys][0]=a&queues[jobs][binding_keys][]=b&exchange[type]=direct`.
 * `[]` appends to a list; any other bracket is a key. A later value replaces an earlier one, as in
 * PHP. `duplicate` is called with a plain key given twice (`a=1&a=2`), which is likelier a mistake.
 */
export function parseNestedQuery(
  query: string,
  duplicate: (key: string) => never,
): Record<string, QueryValue> {
  const root: Record<string, QueryValue> = {};
  for (const [rawKey, value] of new URLSearchParams(query)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    const path = match
      ? [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)]
      : [rawKey];
    if (path.length === 1 && Object.hasOwn(root, path[0]!)) duplicate(path[0]!);
    let node: Record<string, QueryValue> | QueryValue[] = root;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const container = node as Record<string, QueryValue>;
      const key = segment === "" && Array.isArray(node) ? String(node.length) : segment;
      if (last) {
        if (Array.isArray(node)) node.push(value);
        else container[key] = value;
        return;
      }
      const next = path[i + 1] === "" ? [] : {};
      const existing = Array.isArray(node) ? undefined : container[key];
      if (existing !== undefined && typeof existing === "object") node = existing;
      else if (Array.isArray(node)) {
        node.push(next);
        node = next;
      } else {
        container[key] = next;
        node = next;
      }
    });
  }
  return root;
}
