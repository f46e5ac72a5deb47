/**
 * The packages a README tells its reader to install: every name on its `npm install` / `pnpm add` lines
 * (in ```sh blocks), without flags.
 */
export function installedPackages(markdown: string): string[] {
  const names = new Set<string>();
  for (const match of markdown.matchAll(/^\s*(?:npm install|npm i|pnpm add|yarn add)\s+(.+)$/gm)) {
    for (const word of match[1].trim().split(/\s+/)) if (!word.startsWith('-')) names.add(word);
  }
  return [...names];
}

/** The `catalog:` versions of pnpm-workspace.yaml (`name → version`). */
export function catalogVersions(workspaceYaml: string): Map<string, string> {
  const versions = new Map<string, string>();
  const section = workspaceYaml.split(/^catalog:\s*$/m)[1]?.split(/^\S/m)[0] ?? '';
  for (const match of section.matchAll(/^\s+"?([^":\s]+)"?:\s*(\S+)\s*$/gm)) versions.set(match[1], match[2]);
  return versions;
}
