import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Organisms

/// Accumulates the process's CPU seconds (every thread) over the spans it is told about.
final class CPUMeter {
    private(set) var seconds = 0.0

    /// User and system CPU time of this process so far.
    static func now() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    func add(since start: Double) { seconds += Self.now() - start }
}

/// Progress lines for one training: step, loss and the cell's ETA, every tenth of the run.
final class TrainingProgressLog {
    let steps: Int
    let log: (String) -> Void
    let started = Date()
    init(steps: Int, log: @escaping (String) -> Void) {
        self.steps = steps
        self.log = log
    }

    func report(_ p: TrainingProgress) {
        let done = p.step + 1
        guard done == steps || done % max(1, steps / 10) == 0 else { return }
        let elapsed = Date().timeIntervalSince(started)
        let remaining = elapsed / Double(done) * Double(steps - done)
        // RL reports its mean reward and KL to the starting model too.
        let rl = p.meanReward.map { String(format: "  reward %.3f", $0) } ?? ""
        log(String(format: "step %d/%d loss %.4f", done, steps, p.loss) + rl
            + String(format: "  %.0f tok/s  ETA %d:%02d", p.tokensPerSecond, Int(remaining) / 60, Int(remaining) % 60))
    }
}
