/**
 * The fields of one JSON text frame from a data channel, or null when it is not a JSON object of at
 * most `maxLength` characters. Peers are untrusted: every channel reads its frames through this,
 * then keeps only the fields it knows (a newer peer may send more).
 */
export function parseChannelFrame(data: unknown, maxLength: number): Record<string, unknown> | null {
  if (typeof data !== 'string' || data.length > maxLength) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}
