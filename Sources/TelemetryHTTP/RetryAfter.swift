#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses HTTP `Retry-After` values: delay-seconds or an HTTP-date in any of its three forms
/// (RFC 9110 §10.2.3, §5.6.7).
///
/// Values come from servers and are treated as hostile: digits are read with saturation, years are
/// limited to four digits, and every delay is clamped to `maxDelay`, so no value can overflow or trap.
package enum RetryAfter {
    /// The longest delay ever returned (100 years); longer or overflowing values are clamped to it, which
    /// is beyond every retry budget, so callers give up instead of waiting.
    package static let maxDelay: Duration = .seconds(maxDelaySeconds)
    private static let maxDelaySeconds: Int64 = 100 * 365 * 86_400

    /// The wait a `Retry-After` value asks for, relative to `nowSeconds` (Unix time); `nil` when it does not
    /// parse. A date in the past is a wait of zero.
    package static func delay(_ value: String, nowSeconds: Int64 = Int64(time(nil))) -> Duration? {
        let trimmed = Array(value.utf8.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed())
        if !trimmed.isEmpty, trimmed.allSatisfy(isDigit) {
            var seconds: Int64 = 0
            for digit in trimmed {
                seconds = min(maxDelaySeconds, seconds * 10 + Int64(digit - 0x30))
            }
            return .seconds(seconds)
        }
        guard let date = httpDate(String(decoding: trimmed, as: UTF8.self), nowSeconds: nowSeconds) else { return nil }
        return .seconds(min(maxDelaySeconds, max(0, date - nowSeconds)))
    }

    /// Parses an HTTP-date to Unix seconds: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete
    /// RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
    static func httpDate(_ text: String, nowSeconds: Int64 = Int64(time(nil))) -> Int64? {
        let parts = text.split(separator: " ")
        if parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" {
            return date(day: parts[1], month: parts[2], year: parts[3], clock: parts[4])
        }
        if parts.count == 4, parts[0].hasSuffix(","), parts[3] == "GMT" {
            let pieces = parts[1].split(separator: "-", omittingEmptySubsequences: false)
            guard pieces.count == 3, pieces[2].count == 2, let twoDigit = number(pieces[2], maxDigits: 2) else { return nil }
            return date(day: pieces[0], month: pieces[1], year: Substring(String(fullYear(twoDigit, nowSeconds: nowSeconds))),
                        clock: parts[2])
        }
        if parts.count == 5 {
            return date(day: parts[2], month: parts[1], year: parts[4], clock: parts[3])
        }
        return nil
    }

    /// A two-digit RFC 850 year: the most recent year with those digits that is not more than 50 years
    /// in the future (RFC 9110 §5.6.7).
    private static func fullYear(_ twoDigit: Int64, nowSeconds: Int64) -> Int64 {
        let currentYear = 1970 + nowSeconds / 31_556_952
        var year = currentYear - currentYear % 100 + twoDigit
        if year > currentYear + 50 { year -= 100 }
        return year
    }

    private static func date(day: Substring, month: Substring, year: Substring, clock: Substring) -> Int64? {
        let time = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard year.count == 4, let year = number(year, maxDigits: 4), year >= 1, let day = number(day, maxDigits: 2),
            (1...31).contains(day), let month = months.firstIndex(of: String(month)).map({ Int64($0) + 1 }),
            time.count == 3, time.allSatisfy({ $0.count == 2 }), let hour = number(time[0], maxDigits: 2),
            let minute = number(time[1], maxDigits: 2), let second = number(time[2], maxDigits: 2),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    private static func number(_ text: Substring, maxDigits: Int) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= maxDigits, text.utf8.allSatisfy(isDigit) else { return nil }
        return text.utf8.reduce(0) { $0 * 10 + Int64($1 - 0x30) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm); years 1…9999.
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
