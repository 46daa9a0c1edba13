/* Placeholder until the implementation lands. */
#include "sl-auth-request.h"
