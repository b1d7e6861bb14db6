#include "lc_kernels.h"
