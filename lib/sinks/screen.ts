/** Where terminal output goes; a status line (live progress) may share it. */
export interface Screen {
  /** Writes whole lines. */
  print(text: string): void;
  /** Writes whole lines of a task's stderr; where absent, they go to `print`. */
  printError?(text: string): void;
}
