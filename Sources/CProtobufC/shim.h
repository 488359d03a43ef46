#ifndef SWIFT_TELEMETRY_CPROTOBUFC_SHIM_H
#define SWIFT_TELEMETRY_CPROTOBUFC_SHIM_H
#include <protobuf-c/protobuf-c.h>
#include <stdlib.h>
#endif
