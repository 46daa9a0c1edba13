/* Placeholder until the implementation lands. */
#include "sl-oauth-config.h"
