#ifndef SWIFT_TELEMETRY_CDEFLATE_SHIM_H
#define SWIFT_TELEMETRY_CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
