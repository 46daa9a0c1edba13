/* Placeholder until the implementation lands. */
#include "sl-oauth-error.h"
