/*
 * fuzz_config - arbitrary bytes through the whole config loader (YAML
 * tree, table walker, cross-checks). Must not crash, hang or leak; any
 * result (a config or a list of errors) is fine. DNS is switched off so
 * that runs are fast and offline: only numeric hosts and "localhost"
 * resolve.
 */
#include "config/config_int.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rp_conf_errors_t errs;
    rp__conf_set_files(0);
    rp_conf_errors_init(&errs);
    rp_conf_t *c = rp_conf_load_string("<fuzz>", (const char *)data, size, &errs);
    /* A config comes with no errors, and errors come with no config. */
    RP_BUG_ON((c != NULL) == (errs.n != 0));
    for (size_t i = 0; i < errs.n; i++)
        RP_BUG_ON(errs.v[i].msg == NULL || errs.v[i].msg[0] == '\0');
    rp_conf_destroy(c);
    rp_conf_errors_dispose(&errs);
    return 0;
}
