/**
 * What a name of each kind may be. Names end up in files others read and run (an exported
 * CI pipeline's YAML, its expressions, its upload patterns): a resource or secret name with
 * `${{ … }}` would become a GitHub expression, and a newline in a glob another upload
 * pattern. They are refused where the deployfile declares them, naming the value.
 */
export const NAME_RULES = {
  /** POSIX environment variable names: what every CI system and shell accepts. */
  'environment variable': { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, says: 'letters, digits and _, not starting with a digit' },
  /** Resources become concurrency groups and resource groups. */
  resource: { pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, says: 'letters, digits and _ . -, starting with a letter or digit' },
  tag: { pattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, says: 'letters, digits and _ . : -, starting with a letter or digit' },
  /** Globs may hold any printable text but an expression's `${{` / `}}`. */
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names GitHub's expression syntax
  glob: { pattern: /^(?!.*(?:\$\{\{|\}\}))[^\u0000-\u001f\u007f]+$/, says: "printable text, without control characters or '${{' and '}}'" },
} as const satisfies Record<string, { readonly pattern: RegExp; readonly says: string }>;

export type NameKind = keyof typeof NAME_RULES;

/** The first name of `names` a `kind` may not be, or undefined. */
export function badName(kind: NameKind, names: readonly string[]): string | undefined {
  return names.find((name) => !NAME_RULES[kind].pattern.test(name));
}
