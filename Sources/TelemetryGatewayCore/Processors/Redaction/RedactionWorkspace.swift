import TelemetryOTLPData

/// The working memory of one request's redaction (positions, keys and paths kept while one attribute
/// map or one log body is processed, freed after it): charged to the request's edit session before it
/// is used, as the largest it has been so far, since each map's working memory is gone before the next
/// one's is made. Small maps, below what is already charged, cost no call to the budget.
final class RedactionWorkspace {
    /// The request's edit session (its arena holds what edits write).
    let session: EditSession
    private var charged = 0

    init(session: EditSession) {
        self.session = session
    }

    /// Makes sure `bytes` of working memory are charged.
    func ensure(_ bytes: Int) throws(EditMemoryRefused) {
        guard bytes > charged else { return }
        try session.reserveWorkspace(bytes: bytes - charged)
        charged = bytes
    }
}
