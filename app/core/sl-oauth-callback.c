/* Placeholder until the implementation lands. */
#include "sl-oauth-callback.h"
