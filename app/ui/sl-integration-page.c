/* Placeholder until the implementation lands. */
#include "sl-integration-page.h"
