/**
 * @module How other panels use the terminal: the inspector runs the command
 * behind a click there, so people see (and keep in history) what it did.
 * The terminal panel attaches its REPL; before that, lines wait.
 */
export type LineRunnerLike = { runLine(line: string): void }

export class TerminalBridge {
  #target: LineRunnerLike | null = null
  #waiting: string[] = []

  attach(target: LineRunnerLike): () => void {
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
}
