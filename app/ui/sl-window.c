/* Placeholder until the implementation lands. */
#include "sl-window.h"
