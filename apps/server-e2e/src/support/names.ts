let counter = 0;

/** A fresh valid username per call, so tests sharing one server never collide. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}
