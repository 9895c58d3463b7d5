/** What every service says about itself. */
export function banner(service: string, version: string): string {
  return `${service} ${version}`;
}
