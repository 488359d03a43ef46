#ifndef SWIFT_TELEMETRY_CZLIB_SHIM_H
#define SWIFT_TELEMETRY_CZLIB_SHIM_H
#include <zlib.h>

/// `deflateInit2` and `inflateInit2` are macros; Swift cannot call them directly.
static inline int telemetry_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

/// Accepts gzip and zlib streams (window bits 15 + 32: automatic header detection).
static inline int telemetry_inflate_init_auto(z_streamp stream) {
    return inflateInit2(stream, 15 + 32);
}
#endif
