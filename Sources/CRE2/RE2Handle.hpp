// The compiled expression behind a `telemetry_re2` handle, shared by the shim's source files.
#ifndef SWIFT_TELEMETRY_RE2_HANDLE_HPP
#define SWIFT_TELEMETRY_RE2_HANDLE_HPP

#include "CRE2.h"

#include <re2/re2.h>

struct telemetry_re2 {
    re2::RE2 expression;

    telemetry_re2(re2::StringPiece pattern, const re2::RE2::Options &options) : expression(pattern, options) {}
};

#endif
