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

/// Like `telemetry_re2_compile`, but parentheses capture: for `telemetry_re2_find`.
telemetry_re2 *_Nullable telemetry_re2_compile_capturing(const char *_Nullable pattern, size_t length, int64_t max_memory) TELEMETRY_RE2_NOEXCEPT;

/// The number of capturing groups (0 when the expression was compiled without captures or did not compile).
int telemetry_re2_group_count(const telemetry_re2 *_Nonnull regex) TELEMETRY_RE2_NOEXCEPT;

/// The index of the group named by the `length` bytes at `name` (`(?P<name>…)`), or -1 when there is none.
int telemetry_re2_group_index(const telemetry_re2 *_Nonnull regex, const char *_Nullable name, size_t length) TELEMETRY_RE2_NOEXCEPT;

/// The name of group `index` (1-based, `(?P<name>…)`), NULL for an unnamed group; valid as long as `regex`.
const char *_Nullable telemetry_re2_group_name(const telemetry_re2 *_Nonnull regex, int index) TELEMETRY_RE2_NOEXCEPT;

/// Searches the `length` bytes of UTF-8 at `text` for the leftmost-first match that starts at or after byte
/// `start` (the whole text stays the context of `^`, `\b`…, as Go's `regexp` does when it resumes a search).
/// On a match writes `2 * groups` byte offsets to `offsets` (start and end of the match, then of each group
/// up to `groups - 1`; -1 for a group that took no part) and returns 1; returns 0 on no match and -1 when
/// memory for the groups ran out. Linear in the text: RE2 finds the match with its DFA and runs its NFA
/// (lists sized by the program) only over the match for the groups.
int telemetry_re2_find(const telemetry_re2 *_Nonnull regex, const char *_Nullable text, size_t length, size_t start,
    int64_t *_Nonnull offsets, int groups) TELEMETRY_RE2_NOEXCEPT;

/// Frees `regex`.
void telemetry_re2_free(telemetry_re2 *_Nullable regex) TELEMETRY_RE2_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
