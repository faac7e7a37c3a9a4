import * as vscode from 'vscode';

/**
 * Read-only documents served from memory under one URI scheme (responses, details, Dockerfile
 * previews, live logs). The tab title is the URI's file name. Appends are batched so a chatty
 * log re-renders the editor at most every `batchMs`.
 */
export class ReadonlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string[]>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly dirty = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly registration: vscode.Disposable;
  private counter = 0;

  constructor(
    readonly scheme: string,
    private readonly options: { maxDocuments?: number; maxLines?: number; batchMs?: number } = {},
  ) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(scheme, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return (this.texts.get(uri.toString()) ?? []).join('\n');
  }

  /** A new document URI titled `title` (made unique with a query, so each result gets its own tab). */
  create(title: string, content: string, unique = true): vscode.Uri {
    const safe = title.replace(/[/\\]/g, '-');
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${safe}`, query: unique ? String(++this.counter) : '' });
    this.texts.set(uri.toString(), content.split('\n'));
    const max = this.options.maxDocuments ?? 50;
    while (this.texts.size > max) this.texts.delete(this.texts.keys().next().value as string);
    this.changed.fire(uri);
    return uri;
  }

  async show(uri: vscode.Uri, language?: string, preview = false, viewColumn?: vscode.ViewColumn): Promise<vscode.TextDocument> {
    let doc = await vscode.workspace.openTextDocument(uri);
    if (language && doc.languageId !== language) doc = await vscode.languages.setTextDocumentLanguage(doc, language).then((d) => d, () => doc);
    await vscode.window.showTextDocument(doc, { preview, preserveFocus: false, viewColumn });
    return doc;
  }

  text(uri: vscode.Uri): string {
    return this.provideTextDocumentContent(uri);
  }

  /** Adds lines to a document; the editor is told at most every batchMs. */
  append(uri: vscode.Uri, lines: string[]): void {
    const key = uri.toString();
    const current = this.texts.get(key) ?? [];
    if (current.length === 1 && current[0] === '') current.length = 0;
    current.push(...lines);
    const max = this.options.maxLines ?? 20_000;
    if (current.length > max) current.splice(0, current.length - max);
    this.texts.set(key, current);
    this.dirty.add(key);
    this.flushTimer ??= setTimeout(() => this.flush(), this.options.batchMs ?? 100);
  }

  private flush(): void {
    this.flushTimer = undefined;
    for (const key of this.dirty) this.changed.fire(vscode.Uri.parse(key));
    this.dirty.clear();
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.registration.dispose();
    this.changed.dispose();
  }
}
