/// `SHA256`, `SHA1`, `MD5` (`pkg/ottl/ottlfuncs/func_sha256.go`, `func_sha1.go`, `func_md5.go`): the lowercase
/// hex digest of a string's UTF-8 bytes. They take one argument, so `replace_*` can name them as their
/// `function` (`replace_pattern(x, "re", "$1", SHA256)`).
extension OTTLFunction {
    /// `SHA256(value)`.
    static let sha256 = converter("SHA256") { value throws(OTTLError) in .string(SHA256.hex(Array(try value.stringArgument().utf8))) }

    /// `SHA1(value)`.
    static let sha1 = converter("SHA1") { value throws(OTTLError) in .string(SHA1.hex(Array(try value.stringArgument().utf8))) }

    /// `MD5(value)`.
    static let md5 = converter("MD5") { value throws(OTTLError) in .string(MD5.hex(Array(try value.stringArgument().utf8))) }
}
