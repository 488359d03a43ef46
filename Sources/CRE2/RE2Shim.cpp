// The `extern "C"` functions of CRE2.h over RE2. They are noexcept: RE2 throws only std::bad_alloc, which
// must not unwind into Swift frames (compiling catches it; matching lets it end the process).
#include "RE2Handle.hpp"

#include <new>

extern "C" telemetry_re2 *telemetry_re2_compile(const char *pattern, size_t length, int64_t max_memory) noexcept {
    re2::RE2::Options options;
    options.set_log_errors(false);  // the caller reports the error; RE2 would also print it to stderr
    options.set_never_capture(true);  // only "does it match" is asked: a smaller program, no capture work
    options.set_max_mem(max_memory);
    try {
        return new telemetry_re2(re2::StringPiece(pattern, length), options);
    } catch (const std::bad_alloc &) {
        return nullptr;
    }
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

extern "C" void telemetry_re2_free(telemetry_re2 *regex) noexcept {
    delete regex;
}
