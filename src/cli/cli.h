/*
 * cli.h - subcommands implemented outside main.c.
 */
#ifndef RAMPART_CLI_H
#define RAMPART_CLI_H

#include "rampart/core.h"

#include <stdio.h>

/* rampart scan: the detection engine on requests from files (scan.c). */
int rp__cli_scan(int argc, char **argv);
void rp__cli_usage_scan(FILE *out);

#endif /* RAMPART_CLI_H */
