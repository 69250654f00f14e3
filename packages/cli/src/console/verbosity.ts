/** Symfony's verbosity levels: `-q`, normal, `-v`, `-vv`, `-vvv`. */
export enum Verbosity {
  Quiet = -1,
  Normal = 0,
  Verbose = 1,
  VeryVerbose = 2,
  Debug = 3,
}
