// `telemetry_re2_find` of CRE2Find.h over RE2's Match (noexcept: see RE2Shim.cpp).
#include "RE2Handle.hpp"

extern "C" int telemetry_re2_find(const telemetry_re2 *regex, const char *text, size_t length, size_t start, size_t *match_start,
                                  size_t *match_end) noexcept {
    const re2::RE2 &expression = regex->expression;
    if (!expression.ok() || start > length) return 0;
    re2::StringPiece subject(text, length);
    re2::StringPiece match;
    if (!expression.Match(subject, start, length, re2::RE2::UNANCHORED, &match, 1)) return 0;
    *match_start = static_cast<size_t>(match.data() - subject.data());
    *match_end = *match_start + match.size();
    return 1;
}
