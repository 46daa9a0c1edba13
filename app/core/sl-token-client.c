/* Placeholder until the implementation lands. */
#include "sl-token-client.h"
