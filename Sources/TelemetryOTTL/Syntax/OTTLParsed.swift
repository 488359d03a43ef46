/// What a grammar rule matched: the tree, the index of the token after it, and the tree's depth (1 for a
/// leaf), which `OTTLParser.maxDepth` bounds.
struct OTTLParsed<Node: Sendable>: Sendable {
    /// The tree.
    var node: Node
    /// The index of the first token after it.
    var next: Int
    /// Its depth: 1 for a leaf, one more than its deepest child otherwise.
    var depth: Int
}
