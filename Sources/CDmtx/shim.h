#ifndef TANBA_CDMTX_SHIM_H
#define TANBA_CDMTX_SHIM_H
// libdmtx 0.7.7 (Debian's libdmtx-dev) for Swift: only TanbaBarcode imports it.
#include <dmtx.h>

// `DmtxUndefined` and `DmtxPass` are macros Swift imports with types that do not match the functions' `int` and
// `unsigned int`; these give them the C types.
static inline int tanba_dmtx_undefined(void) { return DmtxUndefined; }
static inline unsigned int tanba_dmtx_pass(void) { return DmtxPass; }

#endif
