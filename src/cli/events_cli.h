/*
 * events_cli.h - `rampart events`: reads the attack-event store (events.c).
 * main.c dispatches to it: rp__cli_events(argc - 2, argv + 2).
 */
#ifndef RAMPART_EVENTS_CLI_H
#define RAMPART_EVENTS_CLI_H

#include <stdio.h>

/* argv holds the arguments after "events". Returns the exit status:
 * 0 (also when nothing matches), 2 on a usage error or a store that cannot
 * be opened or read. */
int rp__cli_events(int argc, char **argv);
void rp__cli_usage_events(FILE *out);

#endif /* RAMPART_EVENTS_CLI_H */
