import TelemetryGatewayCore
import TelemetryGatewayTesting
import Testing

/// The `Retry-After` advice grows with the overload and resets when it ends.
@Suite("Overload advice")
struct OverloadAdviceTests {
    @Test("A sustained overload advises about as long as it has lasted, within 1 s and 5 s")
    func growsWithTheOverload() {
        let clock = ManualGatewayClock()
        let advice = OverloadAdvice(clock: clock)
        var advised: [Duration] = []
        for _ in 0..<8 {
            let delay = advice.delayForRefusal()
            advised.append(delay)
            clock.advance(by: delay)
        }
        #expect(advised == [1, 1, 2, 4, 5, 5, 5, 5].map { Duration.seconds($0) })
    }

    @Test("A short spike costs one second, and the advice starts over after a quiet spell")
    func resetsAfterQuiet() {
        let clock = ManualGatewayClock()
        let advice = OverloadAdvice(clock: clock)
        #expect(advice.delayForRefusal() == .seconds(1))
        clock.advance(by: .seconds(1))
        #expect(advice.delayForRefusal() == .seconds(1))
        clock.advance(by: .seconds(1))
        #expect(advice.delayForRefusal() == .seconds(2))
        // Nothing refused for longer than the last advice plus a second: a new overload.
        clock.advance(by: .seconds(4))
        #expect(advice.delayForRefusal() == .seconds(1))
    }

    @Test("Many refusals at the same moment all get the same advice")
    func sameMoment() {
        let clock = ManualGatewayClock()
        let advice = OverloadAdvice(minimum: .seconds(1), maximum: .seconds(30), clock: clock)
        _ = advice.delayForRefusal()
        clock.advance(by: .seconds(12))
        #expect(advice.delayForRefusal() == .seconds(1), "12 s of quiet after a 1 s advice ends the overload")
        clock.advance(by: .seconds(2))
        #expect((0..<5).map { _ in advice.delayForRefusal() } == Array(repeating: .seconds(2), count: 5))
    }
}
