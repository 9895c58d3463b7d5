/** Text made safe inside HTML and SVG, in element content and in quoted attribute values alike. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/** A number for an SVG attribute: one decimal at most, so that the page stays small. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}
