/* Placeholder until the implementation lands. */
#include "sl-connection.h"
