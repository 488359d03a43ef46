#ifndef SWIFT_TELEMETRY_CRE2_H
#define SWIFT_TELEMETRY_CRE2_H

// A C view of RE2 (Debian's libre2-dev) for Swift: compile, match anywhere, read the error, free.
// RE2 matches in time linear in the text, whatever the expression, and keeps its memory within the
// budget given at compile time.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define TELEMETRY_RE2_NOEXCEPT noexcept
extern "C" {
#else
#define TELEMETRY_RE2_NOEXCEPT
#endif

/// A compiled expression (an `RE2` object); matching it from several threads at once is safe.
typedef struct telemetry_re2 telemetry_re2;

/// Compiles the `length` bytes of UTF-8 at `pattern` (RE2 syntax, parentheses do not capture), with
/// `max_memory` bytes for the program and its DFA caches (RE2's `max_mem`). Returns NULL only when
/// memory runs out; otherwise `telemetry_re2_error` says whether it compiled. Free it with
/// `telemetry_re2_free`.
telemetry_re2 *_Nullable telemetry_re2_compile(const char *_Nullable pattern, size_t length, int64_t max_memory) TELEMETRY_RE2_NOEXCEPT;

/// NULL when the expression compiled; otherwise RE2's message, valid as long as `regex`.
const char *_Nullable telemetry_re2_error(const telemetry_re2 *_Nonnull regex) TELEMETRY_RE2_NOEXCEPT;

/// 1 when the expression matches somewhere in the `length` bytes of UTF-8 at `text` (unanchored, as
/// Go's `regexp.MatchString`), else 0 (also when it did not compile). RE2 allocates only its DFA
/// caches (within `max_memory`) and, when they overflow, an NFA's lists sized by the program, never by
/// the text; if even that fails the process ends, as an allocation failure in Swift does.
int telemetry_re2_matches(const telemetry_re2 *_Nonnull regex, const char *_Nullable text, size_t length) TELEMETRY_RE2_NOEXCEPT;

/// Frees `regex`.
void telemetry_re2_free(telemetry_re2 *_Nullable regex) TELEMETRY_RE2_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#include "CRE2Find.h"

#endif
