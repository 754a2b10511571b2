#ifndef TANBA_CSQLITE_SHIM_H
#define TANBA_CSQLITE_SHIM_H
// SQLite 3 for Swift, the embedded store's engine.
#include <sqlite3.h>
#endif
