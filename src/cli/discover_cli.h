/*
 * discover_cli.h - `rampart discover` and `rampart inventory` (discover.c).
 * main.c dispatches to them with the arguments after the command name.
 */
#ifndef RAMPART_DISCOVER_CLI_H
#define RAMPART_DISCOVER_CLI_H

#include <stdio.h>

/* The store `rampart inventory` reads when no --store is given (also the
 * node's discovery.store default). */
#ifndef RP_DISC_STORE_DEFAULT
#define RP_DISC_STORE_DEFAULT "rampart-discovery.db"
#endif

/* Exit status: 0, 1 when a file cannot be read or written, 2 on usage. */
int rp__cli_discover(int argc, char **argv);
void rp__cli_usage_discover(FILE *out);
/* Exit status: 0, 1 when output fails, 2 on usage or an unreadable store. */
int rp__cli_inventory(int argc, char **argv);
void rp__cli_usage_inventory(FILE *out);

#endif
