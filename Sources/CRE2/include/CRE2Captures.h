#ifndef SWIFT_TELEMETRY_CRE2_CAPTURES_H
#define SWIFT_TELEMETRY_CRE2_CAPTURES_H

// Expressions whose parenthesised groups capture (the attributes processor's `extract`): compile, count
// and name the groups, find the leftmost match with the span of every group. Matching stays linear in
// the text (RE2 picks its one-pass, bit-state or NFA engine; none backtracks).

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define TELEMETRY_RE2_CAPTURES_NOEXCEPT noexcept
extern "C" {
#else
#define TELEMETRY_RE2_CAPTURES_NOEXCEPT
#endif

/// A compiled expression whose groups capture; matching it from several threads at once is safe.
typedef struct telemetry_re2_capturing telemetry_re2_capturing;

/// Compiles like `telemetry_re2_compile`, but with capturing groups. NULL only when memory runs out.
telemetry_re2_capturing *_Nullable telemetry_re2_capturing_compile(const char *_Nullable pattern, size_t length, int64_t max_memory)
    TELEMETRY_RE2_CAPTURES_NOEXCEPT;

/// NULL when the expression compiled; otherwise RE2's message, valid as long as `regex`.
const char *_Nullable telemetry_re2_capturing_error(const telemetry_re2_capturing *_Nonnull regex) TELEMETRY_RE2_CAPTURES_NOEXCEPT;

/// The number of capturing groups (0 when it did not compile).
int telemetry_re2_capturing_group_count(const telemetry_re2_capturing *_Nonnull regex) TELEMETRY_RE2_CAPTURES_NOEXCEPT;

/// The name of group `index` (1-based), NULL when the group has none; valid as long as `regex`.
const char *_Nullable telemetry_re2_capturing_group_name(const telemetry_re2_capturing *_Nonnull regex, int index)
    TELEMETRY_RE2_CAPTURES_NOEXCEPT;

/// Finds the leftmost match in the `length` bytes at `text` (unanchored, as Go's `FindStringSubmatch`).
/// On a match writes, for the whole match and then each of the `groups` groups, its start and end byte
/// offsets into `offsets` (2 × (groups + 1) entries; -1, -1 for a group that took no part) and returns 1;
/// otherwise returns 0. `groups` must be the expression's group count.
int telemetry_re2_capturing_match(const telemetry_re2_capturing *_Nonnull regex, const char *_Nullable text, size_t length,
                                  int64_t *_Nonnull offsets, int groups) TELEMETRY_RE2_CAPTURES_NOEXCEPT;

/// Frees `regex`.
void telemetry_re2_capturing_free(telemetry_re2_capturing *_Nullable regex) TELEMETRY_RE2_CAPTURES_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
