/** Thrown by createPulse() for bad options; `path` names the option (`http.excludePaths[1]`). */
export class PulseConfigError extends Error {
  override readonly name = 'PulseConfigError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path === '' ? `Pulse options: ${problem}` : `Pulse option "${path}": ${problem}`);
  }
}
