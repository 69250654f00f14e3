/** The exit-code convention of every command: 0 success, 1 failure, 2 usage error. */
export const ExitCode = {
  Success: 0,
  Failure: 1,
  Usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
