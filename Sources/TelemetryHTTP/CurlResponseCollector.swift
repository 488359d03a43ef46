import CCurl

/// Accumulates a response's headers and body from libcurl's callbacks, up to a size limit.
final class CurlResponseCollector {
    private let limit: Int
    private(set) var body: [UInt8] = []
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var overflowed = false

    init(limit: Int) {
        self.limit = limit
    }

    /// Appends body bytes; returns false (abort the transfer) past the limit.
    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= limit else {
            overflowed = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Records one header line; a status line starts a new header block (after 100-continue or redirects).
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingTrailingNewline()
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        headers.append((name: name, value: String(value)))
    }
}

/// libcurl's write callback: hands body bytes to the collector passed as `CURLOPT_WRITEDATA`.
let curlWriteBody: telemetry_curl_data_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let collector = Unmanaged<CurlResponseCollector>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return collector.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

/// libcurl's header callback: hands each header line to the collector passed as `CURLOPT_HEADERDATA`.
let curlWriteHeader: telemetry_curl_data_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let collector = Unmanaged<CurlResponseCollector>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    collector.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

extension String {
    fileprivate func trimmingTrailingNewline() -> Substring {
        var slice = Substring(self)
        while let last = slice.last, last == "\r\n" || last == "\n" || last == "\r" { slice.removeLast() }
        return slice
    }
}
