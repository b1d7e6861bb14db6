#ifndef LC_KERNELS_H
#define LC_KERNELS_H
#include <stddef.h>
#include <stdint.h>
#endif
