#ifndef TANBA_CLIBXML2_SHIM_H
#define TANBA_CLIBXML2_SHIM_H
// libxml2 for Swift. Read ../shared/NOTES-xml-c-interop.md before changing anything here.

// libxml2's headers pull in the system ICU, whose UErrorCode clashes with Foundation's copy.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlsave.h>
#include <libxml/c14n.h>
#include <libxml/xpath.h>
#include <libxml/uri.h>

// `xmlFree` is a global function-pointer variable, which Swift 6 refuses as shared mutable state.
static inline void tanba_xmlFree(void *p) { xmlFree(p); }

// Integer macros Swift imports with the wrong type or not at all.
static inline int tanba_xml_parse_nonet(void) { return XML_PARSE_NONET; }

#endif
