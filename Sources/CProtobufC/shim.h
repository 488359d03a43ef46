#ifndef SWIFT_TELEMETRY_CPROTOBUFC_SHIM_H
#define SWIFT_TELEMETRY_CPROTOBUFC_SHIM_H
#include <protobuf-c/protobuf-c.h>
// malloc_usable_size: the decode allocator counts what glibc really holds for protobuf-c.
#include <malloc.h>
#endif
