import TelemetryGatewayCore
import Testing

/// The `Retry-After` advice grows with the overload and resets when it ends.
@Suite("Overload advice")
struct OverloadAdviceTests {
    @Test("A sustained overload advises about as long as it has lasted, within 1 s and 5 s")
    func growsWithTheOverload() {
        let advice = OverloadAdvice()
        let start = ContinuousClock.now
        var advised: [Duration] = []
        var now = start
        for _ in 0..<8 {
            let delay = advice.delayForRefusal(at: now)
            advised.append(delay)
            now += delay
        }
        #expect(advised == [1, 1, 2, 4, 5, 5, 5, 5].map { Duration.seconds($0) })
    }

    @Test("A short spike costs one second, and the advice starts over after a quiet spell")
    func resetsAfterQuiet() {
        let advice = OverloadAdvice()
        let start = ContinuousClock.now
        #expect(advice.delayForRefusal(at: start) == .seconds(1))
        #expect(advice.delayForRefusal(at: start + .seconds(1)) == .seconds(1))
        #expect(advice.delayForRefusal(at: start + .seconds(2)) == .seconds(2))
        // Nothing refused for longer than the last advice plus a second: a new overload.
        #expect(advice.delayForRefusal(at: start + .seconds(6)) == .seconds(1))
    }

    @Test("Refusals reported out of order never shorten the episode or trap")
    func outOfOrder() {
        let advice = OverloadAdvice(minimum: .seconds(1), maximum: .seconds(5))
        let start = ContinuousClock.now
        #expect(advice.delayForRefusal(at: start + .seconds(3)) == .seconds(1))
        #expect(advice.delayForRefusal(at: start) == .seconds(1))
        #expect(advice.delayForRefusal(at: start + .seconds(4)) == .seconds(1))
        #expect(advice.delayForRefusal(at: start + .seconds(5)) == .seconds(2))
    }
}
