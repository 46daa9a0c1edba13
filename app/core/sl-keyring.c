/* Placeholder until the implementation lands. */
#include "sl-keyring.h"
