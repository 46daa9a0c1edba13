/* Placeholder until the implementation lands. */
#include "sl-credentials.h"
