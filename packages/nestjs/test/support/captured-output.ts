/** A console stream kept in memory, so the test reads what a command printed. */
export class CapturedOutput {
  readonly isTTY = false;
  text = "";

  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
