/* Placeholder until the implementation lands. */
#include "sl-status-report.h"
