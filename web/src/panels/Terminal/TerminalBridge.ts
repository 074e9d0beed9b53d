/**
 * @module How other panels use the terminal: the inspector runs the command
 * behind a click there, so people see (and keep in history) what it did, and
 * the lesson hands the keyboard back to it after each of its buttons.
 * The terminal panel attaches its REPL; before that, lines wait.
 */
export type TerminalTarget = { runLine(line: string): void; focus(): void }

export class TerminalBridge {
  #target: TerminalTarget | null = null
  #waiting: string[] = []

  attach(target: TerminalTarget): () => void {
    this.#target = target
    for (const line of this.#waiting.splice(0)) target.runLine(line)
    return () => {
      if (this.#target === target) this.#target = null
    }
  }

  run(line: string): void {
    if (this.#target) this.#target.runLine(line)
    else this.#waiting.push(line)
  }

  /** Puts the keyboard focus in the terminal, so what is typed next lands there. */
  focus(): void {
    this.#target?.focus()
  }
}
