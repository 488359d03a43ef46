// The `extern "C"` functions of CRE2Captures.h over RE2, noexcept like RE2Shim.cpp: compiling catches
// std::bad_alloc; matching lets it end the process.
#include "CRE2Captures.h"

#include <map>
#include <new>
#include <re2/re2.h>
#include <string>
#include <vector>

struct telemetry_re2_capturing {
    re2::RE2 expression;
    std::map<int, std::string> names;

    telemetry_re2_capturing(re2::StringPiece pattern, const re2::RE2::Options &options) : expression(pattern, options) {
        if (expression.ok()) names = expression.CapturingGroupNames();
    }
};

extern "C" telemetry_re2_capturing *telemetry_re2_capturing_compile(const char *pattern, size_t length, int64_t max_memory) noexcept {
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(max_memory);
    try {
        return new telemetry_re2_capturing(re2::StringPiece(pattern, length), options);
    } catch (const std::bad_alloc &) {
        return nullptr;
    }
}

extern "C" const char *telemetry_re2_capturing_error(const telemetry_re2_capturing *regex) noexcept {
    return regex->expression.ok() ? nullptr : regex->expression.error().c_str();
}

extern "C" int telemetry_re2_capturing_group_count(const telemetry_re2_capturing *regex) noexcept {
    return regex->expression.ok() ? regex->expression.NumberOfCapturingGroups() : 0;
}

extern "C" const char *telemetry_re2_capturing_group_name(const telemetry_re2_capturing *regex, int index) noexcept {
    auto found = regex->names.find(index);
    return found == regex->names.end() ? nullptr : found->second.c_str();
}

extern "C" int telemetry_re2_capturing_match(const telemetry_re2_capturing *regex, const char *text, size_t length, int64_t *offsets,
                                             int groups) noexcept {
    const re2::RE2 &expression = regex->expression;
    if (!expression.ok() || groups != expression.NumberOfCapturingGroups()) return 0;
    re2::StringPiece subject(text, length);
    std::vector<re2::StringPiece> spans(static_cast<size_t>(groups) + 1);
    if (!expression.Match(subject, 0, length, re2::RE2::UNANCHORED, spans.data(), groups + 1)) return 0;
    for (int index = 0; index <= groups; ++index) {
        const re2::StringPiece &span = spans[static_cast<size_t>(index)];
        bool present = span.data() != nullptr;
        offsets[2 * index] = present ? static_cast<int64_t>(span.data() - subject.data()) : -1;
        offsets[2 * index + 1] = present ? static_cast<int64_t>(span.data() - subject.data() + span.size()) : -1;
    }
    return 1;
}

extern "C" void telemetry_re2_capturing_free(telemetry_re2_capturing *regex) noexcept {
    delete regex;
}
