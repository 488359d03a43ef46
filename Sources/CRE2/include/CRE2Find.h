#ifndef SWIFT_TELEMETRY_CRE2_FIND_H
#define SWIFT_TELEMETRY_CRE2_FIND_H

// Where an expression matches: the leftmost match at or after a position, for "replace every match".

#include "CRE2.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Finds the leftmost match (Go's leftmost-first choice among alternatives) of `regex` in the `length`
/// bytes of UTF-8 at `text` that starts at or after byte `start`; the text before `start` is context
/// (`^` and `\b` see it), as Go's `regexp` does when it searches on after a match. Returns 1 and sets
/// `*match_start`, `*match_end` (byte offsets) when there is one, else 0. The search costs time linear in
/// `length - start`; memory as `telemetry_re2_matches`.
int telemetry_re2_find(const struct telemetry_re2 *_Nonnull regex, const char *_Nullable text, size_t length, size_t start,
                       size_t *_Nonnull match_start, size_t *_Nonnull match_end) TELEMETRY_RE2_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
