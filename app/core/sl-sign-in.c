/* Placeholder until the implementation lands. */
#include "sl-sign-in.h"
