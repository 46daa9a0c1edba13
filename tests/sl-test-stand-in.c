#include "sl-test-stand-in.h"
