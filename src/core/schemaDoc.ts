/**
 * Documentation for a zod schema, for the generated JSON Schema of rdeploy.json (title,
 * description, and VS Code's markdownDescription); `.meta(doc(…))` changes no validation.
 */
export function doc(title: string, markdownDescription: string): { title: string; description: string; markdownDescription: string } {
  return { title, description: markdownDescription.replace(/`/g, ''), markdownDescription };
}
