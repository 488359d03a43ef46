// The `extern "C"` functions of CRE2.h over RE2. They are noexcept: RE2 throws only std::bad_alloc, which
// must not unwind into Swift frames (compiling catches it; matching lets it end the process).
#include "CRE2.h"

#include <map>
#include <new>
#include <string>
#include <vector>
#include <re2/re2.h>

struct telemetry_re2 {
    re2::RE2 expression;

    telemetry_re2(re2::StringPiece pattern, const re2::RE2::Options &options) : expression(pattern, options) {}
};

static telemetry_re2 *compile(const char *pattern, size_t length, int64_t max_memory, bool capture) noexcept {
    re2::RE2::Options options;
    options.set_log_errors(false);  // the caller reports the error; RE2 would also print it to stderr
    options.set_never_capture(!capture);  // for "does it match" only: a smaller program, no capture work
    options.set_max_mem(max_memory);
    try {
        return new telemetry_re2(re2::StringPiece(pattern, length), options);
    } catch (const std::bad_alloc &) {
        return nullptr;
    }
}

extern "C" telemetry_re2 *telemetry_re2_compile(const char *pattern, size_t length, int64_t max_memory) noexcept {
    return compile(pattern, length, max_memory, false);
}

extern "C" telemetry_re2 *telemetry_re2_compile_capturing(const char *pattern, size_t length, int64_t max_memory) noexcept {
    return compile(pattern, length, max_memory, true);
}

extern "C" const char *telemetry_re2_error(const telemetry_re2 *regex) noexcept {
    return regex->expression.ok() ? nullptr : regex->expression.error().c_str();
}

extern "C" int telemetry_re2_matches(const telemetry_re2 *regex, const char *text, size_t length) noexcept {
    const re2::RE2 &expression = regex->expression;
    if (!expression.ok()) return 0;
    re2::StringPiece subject(text, length);
    return expression.Match(subject, 0, length, re2::RE2::UNANCHORED, nullptr, 0) ? 1 : 0;
}

extern "C" int telemetry_re2_group_count(const telemetry_re2 *regex) noexcept {
    return regex->expression.ok() ? regex->expression.NumberOfCapturingGroups() : 0;
}

extern "C" int telemetry_re2_group_index(const telemetry_re2 *regex, const char *name, size_t length) noexcept {
    if (!regex->expression.ok()) return -1;
    try {
        const std::map<std::string, int> &groups = regex->expression.NamedCapturingGroups();
        auto found = groups.find(std::string(name == nullptr ? "" : name, length));
        return found == groups.end() ? -1 : found->second;
    } catch (const std::bad_alloc &) {
        return -1;
    }
}

extern "C" const char *telemetry_re2_group_name(const telemetry_re2 *regex, int index) noexcept {
    if (!regex->expression.ok()) return nullptr;
    try {
        const std::map<int, std::string> &names = regex->expression.CapturingGroupNames();
        auto found = names.find(index);
        return found == names.end() ? nullptr : found->second.c_str();
    } catch (const std::bad_alloc &) {
        return nullptr;
    }
}

extern "C" int telemetry_re2_find(
    const telemetry_re2 *regex, const char *text, size_t length, size_t start, int64_t *offsets, int groups) noexcept {
    const re2::RE2 &expression = regex->expression;
    if (!expression.ok() || groups < 1 || start > length) return 0;
    static const char empty[1] = {0};
    const char *base = text == nullptr ? empty : text;
    re2::StringPiece subject(base, length);
    try {
        std::vector<re2::StringPiece> found(static_cast<size_t>(groups));
        if (!expression.Match(subject, start, length, re2::RE2::UNANCHORED, found.data(), groups)) return 0;
        for (int index = 0; index < groups; index++) {
            const re2::StringPiece &group = found[static_cast<size_t>(index)];
            bool took_part = group.data() != nullptr;
            offsets[2 * index] = took_part ? static_cast<int64_t>(group.data() - base) : -1;
            offsets[2 * index + 1] = took_part ? static_cast<int64_t>(group.data() - base + group.size()) : -1;
        }
        return 1;
    } catch (const std::bad_alloc &) {
        return -1;
    }
}

extern "C" void telemetry_re2_free(telemetry_re2 *regex) noexcept {
    delete regex;
}
