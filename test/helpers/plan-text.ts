/** A plan file's text: the header every plan file starts with, then `spec` (the YAML under `spec:`, indented as it stands there). */
export function planText(name: string, spec: string): string {
  return `apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: ${name} }\nspec:\n${spec}`;
}
