/* Placeholder until the implementation lands. */
#include "sl-application.h"
