import * as vscode from 'vscode';

/** A terminal that only shows log lines; closing it stops the tail. */
export class LogTerminal {
  private readonly output = new vscode.EventEmitter<string>();
  private readonly terminal: vscode.Terminal;
  private closed = false;
  private readonly buffered: string[] = [];
  private opened = false;

  constructor(name: string, onClose: () => void) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.output.event,
      open: () => {
        this.opened = true;
        if (this.buffered.length) this.output.fire(this.buffered.splice(0).join(''));
      },
      close: () => {
        this.closed = true;
        onClose();
      },
    };
    this.terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('output') });
  }

  show(): void {
    this.terminal.show(true);
  }

  write(lines: string[]): void {
    if (this.closed) return;
    const text = lines.map((l) => `${l.replace(/\r?\n/g, '\r\n')}\r\n`).join('');
    if (this.opened) this.output.fire(text);
    else this.buffered.push(text);
  }

  /** The stream ended: keep the terminal (its text is useful) but write nothing more. */
  ended(): void {
    this.closed = true;
  }
}
