/* placeholder replaced below */
#include "rampart/core.h"
int main(void) { return 0; }
