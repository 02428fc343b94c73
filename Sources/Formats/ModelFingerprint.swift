import Foundation

/// The fingerprint probe.json's (and the activations file's) `model_sha256` is checked against.
public enum ModelFingerprint {
    /// A model's fingerprint: SHA-256 over its weight files' bytes, concatenated in the order of
    /// `files` (the checkpoint's stable order). The digest is looked up in, and recorded to,
    /// `cache` by the files' paths, sizes and modification times; nil hashes every time.
    public static func sha256(directory: URL, files: [String], cache: DigestCache? = .user) throws -> String {
        let paths = files.map { directory.appendingPathComponent($0).path }
        let stamps = try paths.map(FileStamp.init(path:))
        if let cache, let known = cache.digest(for: stamps) { return known }
        var hasher = SHA256()
        for path in paths { try hasher.update(fileAt: path) }
        let digest = hasher.finalizeHex()
        // A file changed while it was read gets no entry: its stamp no longer names these bytes.
        if let cache, (try? paths.map(FileStamp.init(path:))) == stamps { cache.store(digest, for: stamps) }
        return digest
    }
}
