/* rec_cli.h - `mockredis record`: the command line of the recorder. */
#ifndef MOCKREDIS_REC_CLI_H
#define MOCKREDIS_REC_CLI_H

/* Runs `mockredis record ...`; argv[0] is "record". Reads a capture file
 * (or captures live on an interface), writes the scenario to -o FILE or
 * standard output and a one-line summary on standard error. Returns the
 * exit status: 0 a scenario was written (warnings, if any, on stderr), 1
 * nothing usable (the capture cannot be read, holds no complete
 * command/reply pair, or the output cannot be written), 2 bad usage. */
int rec_cli_main(int argc, char **argv);

#endif
