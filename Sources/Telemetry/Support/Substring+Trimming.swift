extension Substring {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace, as W3C headers use it).
    func trimmingSpaces() -> Substring {
        var slice = self
        while slice.first == " " || slice.first == "\t" { slice.removeFirst() }
        while slice.last == " " || slice.last == "\t" { slice.removeLast() }
        return slice
    }
}
